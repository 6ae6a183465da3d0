"""The softmax exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import pytest
import torch

from autograder.exercises.softmax import hidden_tests
from helper.checks import CheckFailed, check_softmax
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (with ``torch`` imported) and return ``softmax``."""
    namespace = {"torch": torch}
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["softmax"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    softmax = define(solution_source(f"01_softmax_{language}", "softmax.ipynb", "softmax"))
    set_language(language)
    check_softmax(softmax)
    assert ("All checks passed" if language == "en" else "全部检查通过") in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_sum_dim0": "softmax(x) is off",
    "wrong_unstable_exp": "NaN or infinite",
    "wrong_no_keepdim": "must match the size of tensor b",
    "wrong_global_max": "NaN or infinite",
    "wrong_calls_torch_softmax": "calls torch.softmax",
    "wrong_log_softmax_exp": "calls torch.log_softmax",
    "wrong_in_place": "changed its input tensor in place",
    "wrong_float64": "dtype torch.float64, expected torch.float32",
    "wrong_returns_list": "should be a torch.Tensor, but it is a list",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_softmax(define(submission("softmax", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_is_the_gaming_one():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("softmax", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | {"wrong_hard_coded"}


def test_hard_coded_answer_fools_the_visible_checks_but_not_the_hidden_tests():
    softmax = define(submission("softmax", "wrong_hard_coded"))
    check_softmax(softmax)  # shows why hidden tests exist
    with pytest.raises(CheckFailed):
        hidden_tests(softmax, devices=["cpu"])


def test_feedback_follows_the_notebook_language():
    set_language("zh")
    with pytest.raises(CheckFailed, match="原地修改了输入张量"):
        check_softmax(define(submission("softmax", "wrong_in_place")))


def test_unanswered_stub_is_told_to_write_code():
    def softmax(x):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        check_softmax(softmax)
    set_language("zh")
    with pytest.raises(CheckFailed, match="还没有实现"):
        check_softmax(softmax)


def test_tensor_subclass_cannot_pose_as_the_answer():
    class AlwaysClose(torch.Tensor):
        def __eq__(self, other):
            return True

    def softmax(x):
        return torch.zeros_like(x).as_subclass(AlwaysClose)

    with pytest.raises(CheckFailed, match="should be a torch.Tensor"):
        hidden_tests(softmax, devices=["cpu"])
