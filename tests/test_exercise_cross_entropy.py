"""The cross_entropy exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import pytest
import torch

from autograder.exercises.cross_entropy import hidden_tests
from helper.checks import CheckFailed
from helper.checks.cross_entropy import check_cross_entropy

from exercise_feedback import ExerciseFeedback

pytestmark = pytest.mark.usefixtures("english")


class TestCrossEntropyFeedback(ExerciseFeedback):
    exercise = "cross_entropy"
    check = staticmethod(check_cross_entropy)
    expected_feedback = {
        "wrong_unstable_log_softmax": "contains 1 NaN or infinite value(s)",
        "wrong_log_of_stable_softmax": "contains 1 NaN or infinite value(s)",
        "wrong_sum": "which is 3 times the right value 1.01364: it looks like the sum over the batch",
        "wrong_no_reduction": "should be one number, a 0-dim tensor of shape (), but it has shape (3,)",
        "wrong_index_columns": "cross_entropy(logits, targets) is off: at index () it is 1.61364, expected 1.01364",
        "wrong_no_minus": "is -1.01364, but the right value is 1.01364: the sign is flipped",
        "wrong_class_zero": "cross_entropy(logits, targets) is off: at index () it is 1.54698, expected 1.01364",
        "wrong_one_hot_no_num_classes":
            "raised RuntimeError: The size of tensor a (4) must match the size of tensor b (5)",
        "wrong_calls_f_cross_entropy": "calls F.nll_loss / F.cross_entropy, torch.log_softmax",
        "wrong_log_softmax_nll": "calls F.nll_loss / F.cross_entropy, torch.log_softmax",
        "wrong_in_place": "changed its input tensor in place",
        "wrong_item": "autograd cannot differentiate the result of cross_entropy",
    }
    zh_feedback = {
        "wrong_sum": "看起来你对这一批求了和",
        "wrong_no_minus": "符号反了",
        "wrong_no_reduction": "应该是一个数",
        "wrong_item": "autograd 无法对 cross_entropy 的结果求导",
        "wrong_in_place": "原地修改了输入张量",
        "wrong_calls_f_cross_entropy": "这个练习要求你用更基础的运算自己实现",
    }
    fools_visible_checks = {"wrong_hard_coded": "is off"}


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
