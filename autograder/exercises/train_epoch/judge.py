"""Judge ``train_epoch``: what the spies saw, the weights after the epoch, the memory it held, the mean loss.

The verdict rests on numbers the reference recomputes: the parameters and BatchNorm statistics after
the epoch (each usual mistake ends elsewhere, and is named when the parameters are its), and the
result, a Python float equal to the mean loss per sample. What the spy saw (mode, autograd, batches)
names a mistake first; and a loop that keeps the losses of earlier batches alive (their autograd
graphs with them) fails even with the right numbers: its memory grows with every batch.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.judging import expect_all_like, expect_float, expect_no_growth, first_difference, forward_passes
from autograder.verdict import fail

RTOL, ATOL = 1e-4, 1e-5
MISTAKES = {"unchanged": "train_epoch.unchanged", "eval_mode": "train_epoch.eval_mode",
            "accumulated": "train_epoch.accumulated", "step_first": "train_epoch.step_first",
            "own_loss": "train_epoch.own_loss", "not_moved": "batch_inputs_not_moved"}
"""The usual wrong epochs, in the order they are looked for, and the message that names each."""


def judge(case: Case, observed: dict, expected: dict) -> None:
    n_batches = expected["batches"]
    expect_calls(forward_passes(observed.get("calls")), n_batches)
    result = observed.get("result")
    expect_float(result, "train_epoch.not_float")
    parameters = expect_all_like(observed.get("parameters"), expected["parameters"], "train_epoch.parameter")
    if not same(parameters, expected["parameters"]):
        mistakes = expected["mistakes"]["parameters"]
        for key, message_id in MISTAKES.items():
            if key in mistakes and same(parameters, mistakes[key]):
                fail(message_id, name="train_epoch", count=n_batches, total=n_batches)
        for index, (p, e) in enumerate(zip(parameters, expected["parameters"])):
            off = first_difference(p, e, rtol=RTOL, atol=ATOL)
            if off:
                fail("train_epoch.params_off", index=index, shape=tuple(p.shape), **off)
    statistics = expect_all_like(observed.get("buffers"), expected["buffers"], "train_epoch.statistic")
    for name, s, e in zip(("running_mean", "running_var", "num_batches_tracked"), statistics, expected["buffers"]):
        off = first_difference(s, e, rtol=RTOL, atol=ATOL)
        if off:
            fail("train_epoch.buffers_off", what=name, where=off["where"], actual=off["actual"],
                 expected=off["expected"])
    expect_no_growth(observed.get("kept"), n_batches, "train_epoch.kept_graphs")
    expect_mean(result, expected)


def expect_calls(calls: list, n_batches: int) -> None:
    """One forward pass per batch, each in training mode with autograd on."""
    if not calls:
        fail("train_epoch.no_forward")
    in_eval = sum(not training for training, _ in calls)
    if in_eval:
        fail("train_epoch.eval_mode", count=in_eval, total=len(calls))
    without_grad = sum(not grad for _, grad in calls)
    if without_grad:
        fail("train_epoch.no_grad", count=without_grad, total=len(calls))
    if len(calls) != n_batches:
        fail("train_epoch.batches", actual=len(calls), expected=n_batches)


def expect_mean(result: float, expected: dict) -> None:
    """The mean loss per sample; else the usual wrong means, named."""
    mean, mistakes = expected["mean"], expected["mistakes"]
    if _near(result, mean):
        return
    shown = {"actual": f"{result:.6g}", "expected": f"{mean:.6g}"}
    if _near(result, mistakes["last_batch"]):
        fail("train_epoch.last_batch", actual=shown["actual"])
    if _near(result, mistakes["unweighted"]):
        fail("train_epoch.unweighted", last=expected["last_size"], **shown)
    fail("train_epoch.wrong_mean", **shown)


def same(actual: list[torch.Tensor], expected: list[torch.Tensor]) -> bool:
    """Every tensor close to its counterpart (parameters after an epoch, tolerant to rounding)."""
    return len(actual) == len(expected) and all(
        a.shape == e.shape and torch.allclose(a.to(e.dtype), e, rtol=RTOL, atol=ATOL) for a, e in zip(actual, expected))


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-5 + 1e-4 * abs(b)
