"""Judge ``evaluate``: what the spies saw, the model left as it was, the memory it held, the accuracy.

The model must come back untouched (parameters, and BatchNorm statistics, which a forward pass in
training mode updates), no batch's outputs may stay alive while later batches run, and the result
must be a Python float equal to the reference's fraction of right predictions; the usual wrong values
are named. What the spy saw (eval mode, autograd off, one pass per batch) names a mistake first;
autograd left on changes no number, so only the spy can tell it.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.judging import expect_all_like, expect_float, expect_no_growth, forward_passes
from autograder.verdict import fail

MISTAKES = {"last_batch": "evaluate.last_batch", "unweighted": "evaluate.unweighted",
            "not_moved": "batch_inputs_not_moved"}


def judge(case: Case, observed: dict, expected: dict) -> None:
    expect_calls(forward_passes(observed.get("calls")), expected["batches"])
    device = case.inputs["device"]
    weights = [w.to(device) for w in case.inputs["weights"]]
    after = expect_all_like(observed.get("parameters"), weights, "evaluate.parameter")
    if any(not torch.equal(a, w) for a, w in zip(after, weights)):
        fail("evaluate.changed_model")
    buffers = [b.to(device) for b in case.inputs["buffers"]]
    after = expect_all_like(observed.get("buffers"), buffers, "evaluate.statistic")
    if any(not torch.equal(a, b) for a, b in zip(after, buffers)):
        fail("evaluate.changed_statistics")
    expect_no_growth(observed.get("kept"), expected["batches"], "evaluate.kept_outputs")
    expect_accuracy(observed.get("result"), expected)


def expect_calls(calls: list, n_batches: int) -> None:
    """One forward pass per batch, each in eval mode with autograd off."""
    if not calls:
        fail("evaluate.no_forward")
    in_train = sum(training for training, _ in calls)
    if in_train:
        fail("evaluate.train_mode", count=in_train, total=len(calls))
    with_grad = sum(grad for _, grad in calls)
    if with_grad:
        fail("evaluate.grad", count=with_grad, total=len(calls))
    if len(calls) != n_batches:
        fail("evaluate.batches", actual=len(calls), expected=n_batches)


def expect_accuracy(result, expected: dict) -> None:
    expect_float(result, "evaluate.not_float")
    if not 0.0 <= result <= 1.0:
        fail("evaluate.range", actual=f"{result:.6g}")
    accuracy = expected["accuracy"]
    if abs(result - accuracy) <= 1e-6:
        return
    shown = {"actual": f"{result:.6g}", "expected": f"{accuracy:.6g}"}
    for key, message_id in MISTAKES.items():
        if abs(result - expected["mistakes"][key]) <= 1e-6:
            fail(message_id, name="evaluate", last=expected["last_size"], **shown)
    fail("evaluate.wrong", correct=expected["correct"], total=expected["total"], **shown)

