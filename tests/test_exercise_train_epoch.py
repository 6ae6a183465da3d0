"""The train_epoch exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import nbformat
import pytest
import torch
from torch import nn

from autograder.exercises.train_epoch import CONTEXT, hidden_tests
from course.paths import REPO
from helper.checks import CheckFailed
from helper.checks.train_epoch import UnmovedBatch, check_train_epoch, watched_loader
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``train_epoch``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["train_epoch"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    train_epoch = define(solution_source(f"06_training_loop_{language}", "training_loop.ipynb", "train_epoch"))
    set_language(language)
    check_train_epoch(train_epoch)
    out = capsys.readouterr().out
    assert ("All checks passed" if language == "en" else "全部检查通过") in out
    assert "(3.111×4 + 3.104×4 + 3.630×2) / 10 = 3.2121" in out  # the weighting, with numbers


@pytest.mark.parametrize("name", submissions("train_epoch", "correct_"))
def test_correct_samples_pass_the_visible_checks(name, capsys):
    check_train_epoch(define(submission("train_epoch", name)))
    assert "All checks passed" in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_no_zero_grad": "those of a loop without `optimizer.zero_grad()`",
    "wrong_step_before_backward": "The parameters did not change during the epoch",
    "wrong_no_train_mode": "The model was in evaluation mode during training",
    "wrong_not_moved": "the inputs of a batch reached the model without being moved to the device",
    "wrong_returns_tensor": "should return a Python float, but it returned a Tensor",
    "wrong_last_batch_loss": "the loss of the last batch only",
    "wrong_unweighted_mean": "the plain mean of the batch losses; expected 3.21211",
    "wrong_own_loss": "computes its own loss instead of calling the `criterion`",
}
FOOLS_THE_VISIBLE_CHECKS = {"wrong_hard_coded"}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_train_epoch(define(submission("train_epoch", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_fools_the_visible_checks_on_purpose():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("train_epoch", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | FOOLS_THE_VISIBLE_CHECKS


def test_hard_coded_answer_fools_the_visible_checks_but_not_the_hidden_tests(capsys):
    train_epoch = define(submission("train_epoch", "wrong_hard_coded"))
    check_train_epoch(train_epoch)  # shows why hidden tests exist
    assert "All checks passed" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="train_epoch returned 3.21211, expected"):
        hidden_tests(train_epoch, devices=["cpu"])


def test_labels_left_behind_are_caught():
    source = submission("train_epoch", "correct_weighted_sum").replace(
        "inputs, labels = inputs.to(device), labels.to(device)", "inputs = inputs.to(device)")
    with pytest.raises(CheckFailed, match="the labels of a batch reached the loss function"):
        check_train_epoch(define(source))


def test_training_under_no_grad_is_explained():
    source = submission("train_epoch", "correct_weighted_sum").replace(
        "        outputs = model(inputs)", "        with torch.no_grad():\n            outputs = model(inputs)")
    with pytest.raises(CheckFailed, match="Autograd was switched off|does not require grad"):
        check_train_epoch(define(source))


def test_zero_grad_after_backward_is_caught():
    source = submission("train_epoch", "correct_weighted_sum").replace(
        "        loss.backward()\n", "        loss.backward()\n        optimizer.zero_grad()\n")
    with pytest.raises(CheckFailed, match="The parameters did not change"):
        check_train_epoch(define(source))


def test_two_passes_over_the_loader_are_caught():
    source = submission("train_epoch", "correct_weighted_sum").replace(
        "    for inputs, labels in loader:", "    for inputs, labels in list(loader) * 2:")
    with pytest.raises(CheckFailed, match="ran the model on 6 batch"):
        check_train_epoch(define(source))


def test_a_numpy_float_counts_as_a_float():
    source = submission("train_epoch", "correct_weighted_sum").replace(
        "return total_loss / n_samples", "import numpy\n    return numpy.float64(total_loss / n_samples)")
    hidden_tests(define(source), devices=["cpu"])


def test_moving_a_batch_makes_it_a_plain_tensor_and_nothing_else_does():
    [(inputs, labels)] = list(watched_loader(torch.randn(3, 2), torch.tensor([0, 1, 0]), 3))
    assert type(inputs) is UnmovedBatch and type(labels) is UnmovedBatch
    assert type(inputs.view(3, 2)) is UnmovedBatch and type(inputs.float()) is UnmovedBatch
    assert type(inputs.to("cpu")) is torch.Tensor and type(inputs.to(torch.float64)) is torch.Tensor
    assert type(nn.Linear(2, 2)(inputs.to("cpu"))) is torch.Tensor


def test_feedback_follows_the_notebook_language():
    set_language("zh")
    with pytest.raises(CheckFailed, match="请在每一步开始时调用 `optimizer.zero_grad\\(\\)`"):
        check_train_epoch(define(submission("train_epoch", "wrong_no_zero_grad")))


def released_answer_cell(language: str) -> str:
    notebook = nbformat.read(REPO / "release" / f"06_training_loop_{language}" / "training_loop.ipynb",
                             as_version=4)
    [cell] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "train_epoch"]
    return cell.source


@pytest.mark.parametrize("language, feedback", [("en", "train_epoch is not implemented yet"),
                                                ("zh", "train_epoch 还没有实现")])
def test_unanswered_stub_is_told_to_write_code(language, feedback):
    train_epoch = define(released_answer_cell(language))
    set_language(language)
    with pytest.raises(CheckFailed, match=feedback):
        check_train_epoch(train_epoch)
