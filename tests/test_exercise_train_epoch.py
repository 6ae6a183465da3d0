"""The train_epoch exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import pytest
import torch
from torch import nn

from autograder.exercises.train_epoch import hidden_tests
from helper.checks import CheckFailed
from helper.checks.train_epoch import UnmovedBatch, check_train_epoch, watched_loader

from conftest import submission
from exercise_feedback import ExerciseFeedback, define

pytestmark = pytest.mark.usefixtures("english")

WEIGHTED_MEAN = "(3.111×4 + 3.104×4 + 3.630×2) / 10 = 3.2121"  # the weighting, with numbers


class TestTrainEpochFeedback(ExerciseFeedback):
    exercise = "train_epoch"
    check = staticmethod(check_train_epoch)
    solution_also_prints = {"en": [WEIGHTED_MEAN], "zh": [WEIGHTED_MEAN]}
    expected_feedback = {
        "wrong_no_zero_grad": "those of a loop without `optimizer.zero_grad()`",
        "wrong_step_before_backward": "The parameters did not change during the epoch",
        "wrong_no_train_mode": "The model was in evaluation mode during training",
        "wrong_not_moved": "the inputs of a batch reached the model without being moved to the device",
        "wrong_returns_tensor": "should return a Python float, but it returned a Tensor",
        "wrong_last_batch_loss": "the loss of the last batch only",
        "wrong_unweighted_mean": "the plain mean of the batch losses; expected 3.21211",
        "wrong_own_loss": "computes its own loss instead of calling the `criterion`",
    }
    zh_feedback = {"wrong_no_zero_grad": "请在每一步开始时调用 `optimizer.zero_grad()`"}
    fools_visible_checks = {"wrong_hard_coded": "train_epoch returned 3.21211, expected"}


def changed_sample(old: str, new: str) -> str:
    """The weighted-sum sample answer with `old` replaced by `new`."""
    return submission("train_epoch", "correct_weighted_sum").replace(old, new)


def test_labels_left_behind_are_caught():
    source = changed_sample("inputs, labels = inputs.to(device), labels.to(device)", "inputs = inputs.to(device)")
    with pytest.raises(CheckFailed, match="the labels of a batch reached the loss function"):
        check_train_epoch(define("train_epoch", source))


def test_training_under_no_grad_is_explained():
    source = changed_sample("        outputs = model(inputs)",
                            "        with torch.no_grad():\n            outputs = model(inputs)")
    with pytest.raises(CheckFailed, match="Autograd was switched off|does not require grad"):
        check_train_epoch(define("train_epoch", source))


def test_zero_grad_after_backward_is_caught():
    source = changed_sample("        loss.backward()\n", "        loss.backward()\n        optimizer.zero_grad()\n")
    with pytest.raises(CheckFailed, match="The parameters did not change"):
        check_train_epoch(define("train_epoch", source))


def test_two_passes_over_the_loader_are_caught():
    source = changed_sample("    for inputs, labels in loader:", "    for inputs, labels in list(loader) * 2:")
    with pytest.raises(CheckFailed, match="ran the model on 6 batch"):
        check_train_epoch(define("train_epoch", source))


def test_a_numpy_float_counts_as_a_float():
    source = changed_sample("return total_loss / n_samples",
                            "import numpy\n    return numpy.float64(total_loss / n_samples)")
    hidden_tests(define("train_epoch", source), devices=["cpu"])


def test_moving_a_batch_makes_it_a_plain_tensor_and_nothing_else_does():
    [(inputs, labels)] = list(watched_loader(torch.randn(3, 2), torch.tensor([0, 1, 0]), 3))
    assert type(inputs) is UnmovedBatch and type(labels) is UnmovedBatch
    assert type(inputs.view(3, 2)) is UnmovedBatch and type(inputs.float()) is UnmovedBatch
    assert type(inputs.to("cpu")) is torch.Tensor and type(inputs.to(torch.float64)) is torch.Tensor
    assert type(nn.Linear(2, 2)(inputs.to("cpu"))) is torch.Tensor
