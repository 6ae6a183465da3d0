"""The evaluate exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import nbformat
import pytest

from autograder.exercises.evaluate import CONTEXT, hidden_tests
from course.paths import REPO
from helper.checks import CheckFailed
from helper.checks.evaluate import check_evaluate
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``evaluate``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["evaluate"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    evaluate = define(solution_source(f"06_training_loop_{language}", "training_loop.ipynb", "evaluate"))
    set_language(language)
    check_evaluate(evaluate)
    out = capsys.readouterr().out
    assert ("All checks passed" if language == "en" else "全部检查通过") in out
    assert "5 / 10 = 0.500" in out  # the count, with numbers


@pytest.mark.parametrize("name", submissions("evaluate", "correct_"))
def test_correct_samples_pass_the_visible_checks(name, capsys):
    check_evaluate(define(submission("evaluate", name)))
    assert "All checks passed" in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_train_mode": "The model was in training mode during evaluation",
    "wrong_tracks_gradients": "Autograd was recording during evaluation",
    "wrong_not_moved": "the inputs of a batch reached the model without being moved to the device",
    "wrong_returns_tensor": "should return a Python float, but it returned a Tensor",
    "wrong_last_batch": "the accuracy of the last batch only; expected 0.5",
    "wrong_unweighted_mean": "the plain mean of the batch accuracies; expected 0.5",
    "wrong_percent": "an accuracy is a fraction between 0 and 1",
}
FOOLS_THE_VISIBLE_CHECKS = {"wrong_hard_coded"}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_evaluate(define(submission("evaluate", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_fools_the_visible_checks_on_purpose():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("evaluate", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | FOOLS_THE_VISIBLE_CHECKS


def test_hard_coded_answer_fools_the_visible_checks_but_not_the_hidden_tests(capsys):
    evaluate = define(submission("evaluate", "wrong_hard_coded"))
    check_evaluate(evaluate)  # shows why hidden tests exist
    assert "All checks passed" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="evaluate returned 0.5, expected"):
        hidden_tests(evaluate, devices=["cpu"])


def test_a_wrong_dimension_for_argmax_is_caught():
    source = submission("evaluate", "correct_count").replace("argmax(dim=1)", "argmax(dim=0)")
    with pytest.raises(CheckFailed):
        hidden_tests(define(source), devices=["cpu"])


def test_training_inside_evaluate_is_caught():
    source = submission("evaluate", "correct_count").replace(
        "            predictions = model(inputs).argmax(dim=1)",
        "            predictions = model(inputs).argmax(dim=1)\n"
        "            for p in model.parameters():\n                p.add_(0.01)")
    with pytest.raises(CheckFailed, match="evaluate changed the model's parameters"):
        check_evaluate(define(source))


def test_feedback_follows_the_notebook_language():
    set_language("zh")
    with pytest.raises(CheckFailed, match="请先调用 `model.eval\\(\\)`"):
        check_evaluate(define(submission("evaluate", "wrong_train_mode")))


def released_answer_cell(language: str) -> str:
    notebook = nbformat.read(REPO / "release" / f"06_training_loop_{language}" / "training_loop.ipynb",
                             as_version=4)
    [cell] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "evaluate"]
    return cell.source


@pytest.mark.parametrize("language, feedback", [("en", "evaluate is not implemented yet"),
                                                ("zh", "evaluate 还没有实现")])
def test_unanswered_stub_is_told_to_write_code(language, feedback):
    evaluate = define(released_answer_cell(language))
    set_language(language)
    with pytest.raises(CheckFailed, match=feedback):
        check_evaluate(evaluate)
