"""The cross_entropy exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import pytest
import torch

from autograder.exercises.cross_entropy import CONTEXT, hidden_tests
from helper.checks import CheckFailed
from helper.checks.cross_entropy import check_cross_entropy
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``cross_entropy``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["cross_entropy"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    source = solution_source(f"04_losses_autograd_{language}", "losses_autograd.ipynb", "cross_entropy")
    cross_entropy = define(source)
    set_language(language)
    check_cross_entropy(cross_entropy)
    assert ("All checks passed" if language == "en" else "全部检查通过") in capsys.readouterr().out


@pytest.mark.parametrize("name", submissions("cross_entropy", "correct_"))
def test_correct_samples_pass_the_visible_checks(name, capsys):
    check_cross_entropy(define(submission("cross_entropy", name)))
    assert "All checks passed" in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_unstable_log_softmax": "contains 1 NaN or infinite value(s)",
    "wrong_log_of_stable_softmax": "contains 1 NaN or infinite value(s)",
    "wrong_sum": "which is 3 times the right value 1.01364: it looks like the sum over the batch",
    "wrong_no_reduction": "should be one number, a 0-dim tensor of shape (), but it has shape (3,)",
    "wrong_index_columns": "cross_entropy(logits, targets) is off: at index () it is 1.61364, expected 1.01364",
    "wrong_no_minus": "is -1.01364, but the right value is 1.01364: the sign is flipped",
    "wrong_class_zero": "cross_entropy(logits, targets) is off: at index () it is 1.54698, expected 1.01364",
    "wrong_one_hot_no_num_classes": "raised RuntimeError: The size of tensor a (4) must match the size of tensor b (5)",
    "wrong_calls_f_cross_entropy": "calls F.nll_loss / F.cross_entropy, torch.log_softmax",
    "wrong_log_softmax_nll": "calls F.nll_loss / F.cross_entropy, torch.log_softmax",
    "wrong_in_place": "changed its input tensor in place",
    "wrong_item": "autograd cannot differentiate the result of cross_entropy",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_cross_entropy(define(submission("cross_entropy", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_is_the_gaming_one():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("cross_entropy", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | {"wrong_hard_coded"}


def test_hard_coded_answer_fools_the_visible_checks_but_not_the_hidden_tests():
    cross_entropy = define(submission("cross_entropy", "wrong_hard_coded"))
    check_cross_entropy(cross_entropy)  # shows why hidden tests exist
    with pytest.raises(CheckFailed, match="is off"):
        hidden_tests(cross_entropy, devices=["cpu"])


@pytest.mark.parametrize("name, expected", [
    ("wrong_sum", "看起来你对这一批求了和"),
    ("wrong_no_minus", "符号反了"),
    ("wrong_no_reduction", "应该是一个数"),
    ("wrong_item", "autograd 无法对 cross_entropy 的结果求导"),
    ("wrong_in_place", "原地修改了输入张量"),
    ("wrong_calls_f_cross_entropy", "这个练习要求你用更基础的运算自己实现"),
])
def test_feedback_follows_the_notebook_language(name, expected):
    set_language("zh")
    with pytest.raises(CheckFailed, match=re.escape(expected)):
        check_cross_entropy(define(submission("cross_entropy", name)))


def test_unanswered_stub_is_told_to_write_code():
    def cross_entropy(logits, targets):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        check_cross_entropy(cross_entropy)
    set_language("zh")
    with pytest.raises(CheckFailed, match="还没有实现"):
        check_cross_entropy(cross_entropy)


def test_targets_are_not_to_be_mutated_either():
    def cross_entropy(logits, targets):
        log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
        picked = log_probs.gather(1, targets.unsqueeze(1)).squeeze(1)
        targets.zero_()
        return -picked.mean()

    with pytest.raises(CheckFailed, match="changed its input tensor in place"):
        hidden_tests(cross_entropy, devices=["cpu"])


def test_a_loss_detached_from_the_logits_is_caught_by_the_gradient_check():
    def cross_entropy(logits, targets):
        shift = logits.max(dim=1, keepdim=True).values
        log_probs = logits.detach() - shift.detach()
        log_probs = log_probs - log_probs.exp().sum(dim=1, keepdim=True).log()
        rows = torch.arange(logits.shape[0], device=logits.device)
        return -log_probs[rows, targets].mean() + 0 * logits.sum()

    with pytest.raises(CheckFailed, match="the gradient of cross_entropy"):
        check_cross_entropy(cross_entropy)
