"""The num_iterations exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import pytest

from autograder.exercises.num_iterations import CONTEXT, hidden_tests
from helper.checks import CheckFailed
from helper.checks.num_iterations import check_num_iterations, expected_iterations
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``num_iterations``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["num_iterations"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    source = solution_source(f"08_minibatches_{language}", "minibatches.ipynb", "num_iterations")
    num_iterations = define(source)
    set_language(language)
    check_num_iterations(num_iterations)
    assert ("All checks passed" if language == "en" else "全部检查通过") in capsys.readouterr().out


@pytest.mark.parametrize("name", submissions("num_iterations", "correct_"))
def test_correct_samples_pass_the_visible_checks(name, capsys):
    check_num_iterations(define(submission("num_iterations", name)))
    assert "All checks passed" in capsys.readouterr().out


def test_the_worked_count_of_the_lesson():
    assert expected_iterations(60_000, 64, 1) == 938
    assert expected_iterations(60_000, 64, 10) == 9380
    assert expected_iterations(50, 100, 3) == 3
    assert expected_iterations(64, 64, 0) == 0


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_floor_division": "num_iterations(60000, 64, 1) returned 937, expected 938: you rounded down",
    "wrong_forgets_epochs": "returned 938, expected 9380: that is the number of steps in ONE epoch",
    "wrong_numpy_float": "returned np.float64(938.0), a float64",
    "wrong_round": "num_iterations(10, 4, 1) returned 2, expected 3: you rounded down",
    "wrong_plus_one": "num_iterations(100, 10, 2) returned 22, expected 20: 100 samples divide evenly",
    "wrong_one_stream": "returned 9375, expected 9380: you divided all 10 epochs' samples",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_num_iterations(define(submission("num_iterations", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_is_the_gaming_one():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("num_iterations", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | {"wrong_hard_coded"}


def test_hard_coded_answer_fools_the_visible_checks_but_not_the_hidden_tests():
    num_iterations = define(submission("num_iterations", "wrong_hard_coded"))
    check_num_iterations(num_iterations)  # shows why hidden tests exist
    with pytest.raises(CheckFailed, match="you rounded down"):
        hidden_tests(num_iterations)


@pytest.mark.parametrize("value", [938.0, "938", None, True])
def test_a_count_that_is_not_an_int_is_refused(value):
    with pytest.raises(CheckFailed, match="return a Python int"):
        check_num_iterations(lambda n_samples, batch_size, epochs: value)


def test_hidden_tests_cover_the_edge_cases():
    """Batch 1, a batch larger than the data, zero epochs: each breaks one tempting shortcut."""
    with pytest.raises(CheckFailed):  # (n - 1) // b + 1 per epoch, plus one "for safety"
        hidden_tests(lambda n, b, e: ((n - 1) // b + 1) * e + (e > 0 and b == 1))
    with pytest.raises(CheckFailed):  # at least one step, even with zero epochs
        hidden_tests(lambda n, b, e: max(1, -(-n // b) * e))
    with pytest.raises(CheckFailed):  # min(n, b) confused for b
        hidden_tests(lambda n, b, e: -(-n // min(n, b)) * e + (b > n))


def test_feedback_follows_the_notebook_language():
    set_language("zh")
    with pytest.raises(CheckFailed, match="你向下取整了"):
        check_num_iterations(define(submission("num_iterations", "wrong_floor_division")))


def test_unanswered_stub_is_told_to_write_code():
    def num_iterations(n_samples, batch_size, epochs):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        check_num_iterations(num_iterations)
    set_language("zh")
    with pytest.raises(CheckFailed, match="还没有实现"):
        check_num_iterations(num_iterations)
