"""What the generic contract (tests/test_exercises.py) does not cover for ``train_epoch``: variations of the
lesson's answer that must be named, the watched batches themselves, and the memory watch's limits."""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from autograder import testing
from autograder.checking import hidden_tests
from autograder.spies import Retention, UnmovedBatch, watched_loader
from autograder.verdict import CheckFailed
from helper.i18n import set_language

SAMPLES = Path(__file__).parent / "samples"


def define(source: str):
    (defined,) = testing.define('train_epoch', source)
    return defined


def changed(old: str, new: str) -> str:
    """The lesson's answer (the weighted-sum sample) with ``old`` replaced by ``new``."""
    source = (SAMPLES / "correct_weighted_sum.py").read_text(encoding="utf-8")
    assert old in source
    return source.replace(old, new)


def visible_failure(source: str) -> CheckFailed:
    return testing.visible_failure('train_epoch', define(source))


def test_labels_left_behind_are_caught():
    failure = visible_failure(changed("inputs, labels = inputs.to(device), labels.to(device)",
                                      "inputs = inputs.to(device)"))
    assert failure.message_id == "batch_labels_not_moved"
    assert "the labels of a batch reached the loss function" in str(failure)


def test_training_under_no_grad_is_explained():
    failure = visible_failure(changed("        outputs = model(inputs)",
                                      "        with torch.no_grad():\n            outputs = model(inputs)"))
    # backward() on a loss without a graph raises; the spy's record says why.
    assert failure.message_id == "train_epoch.no_grad"
    assert "Autograd was switched off during 1 of 1 forward passes" in str(failure)


def test_zero_grad_after_backward_is_caught():
    failure = visible_failure(changed("        loss.backward()\n",
                                      "        loss.backward()\n        optimizer.zero_grad()\n"))
    assert failure.message_id == "train_epoch.unchanged"


def test_two_passes_over_the_loader_are_caught():
    failure = visible_failure(changed("    for inputs, labels in loader:", "    for inputs, labels in list(loader) * 2:"))
    assert failure.message_id == "train_epoch.batches"
    assert "ran the model on 8 batch" in str(failure)


def test_a_numpy_float_counts_as_a_float():
    source = changed("return total_loss / n_samples", "import numpy\n    return numpy.float64(total_loss / n_samples)")
    hidden_tests("train_epoch", define(source), devices=["cpu"])


def test_keeping_only_the_previous_batch_loss_is_no_growth():
    """The memory watch allows what a loop naturally holds: the last batch's loss, e.g. for a log line."""
    source = changed("        n_samples += len(labels)\n",
                     "        n_samples += len(labels)\n        previous = loss\n")
    hidden_tests("train_epoch", define(source), devices=["cpu"])


def test_detached_losses_in_a_list_are_no_graph_kept():
    """``loss.detach()`` keeps a number per batch, not the graph: not what the memory watch looks for."""
    source = changed("        total_loss += loss.item() * len(labels)\n",
                     "        total_loss += loss.item() * len(labels)\n        kept.append(loss.detach())\n")
    source = source.replace("    total_loss, n_samples = 0.0, 0\n", "    total_loss, n_samples = 0.0, 0\n    kept = []\n")
    hidden_tests("train_epoch", define(source), devices=["cpu"])


def test_the_memory_failure_says_so_in_both_languages():
    source = (SAMPLES / "wrong_sums_loss_tensors.py").read_text(encoding="utf-8")
    assert "memory grows with every batch" in str(visible_failure(source))
    set_language("zh")
    assert "内存随着批次一个个增长" in str(visible_failure(source))


def test_retention_counts_the_batches_still_alive():
    retention, kept = Retention(), []
    for batch in range(5):
        retention.forward_started()
        x = torch.ones(2, requires_grad=True)
        loss = (x * 2).sum()
        retention.track(loss)
        if batch < 3:
            kept.append(loss)  # the first three batches' graphs stay alive
    report = retention.report()
    # during: at the last forward pass, batches 0 to 2 (all before the previous one); after: those and `loss`
    assert report == {"during": 3, "after": 4, "batches": 5}
    del kept, loss
    assert retention.alive() == 0


def test_moving_a_batch_makes_it_a_plain_tensor_and_nothing_else_does():
    [(inputs, labels)] = list(watched_loader(torch.randn(3, 2), torch.tensor([0, 1, 0]), 3))
    assert type(inputs) is UnmovedBatch and type(labels) is UnmovedBatch
    assert type(inputs.view(3, 2)) is UnmovedBatch and type(inputs.float()) is UnmovedBatch
    assert type(inputs.to("cpu")) is torch.Tensor and type(inputs.to(torch.float64)) is torch.Tensor
    assert type(nn.Linear(2, 2)(inputs.to("cpu"))) is torch.Tensor


def test_disguised_batches_hold_the_inputs_negated_until_moved():
    inputs = torch.randn(4, 3)
    [(batch, _)] = list(watched_loader(inputs, torch.zeros(4, dtype=torch.long), 4, disguise=True))
    assert torch.equal(batch.as_subclass(torch.Tensor), -inputs)
    assert torch.equal(batch.to("cpu"), inputs)
