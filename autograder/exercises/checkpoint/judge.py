"""Judge ``save_checkpoint`` / ``load_checkpoint``: the resumed run is the uninterrupted one.

In order: a file at the path given, which ``torch.load(path, weights_only=True)`` reads (no pickled
model or optimizer object); the fresh model's parameters and BatchNorm buffers, right after loading,
are those at the checkpoint (else: not saved, not loaded, or another checkpoint's, named); so is the
optimizer's state (momentum buffers, Adam's moments and step count; else: not saved, or not loaded);
after the same further steps the resumed run equals the uninterrupted one; and ``load_checkpoint``
returns the epoch to resume from, ``epoch + 1`` (the saved epoch itself, or nothing, is named).
Tolerances allow only rounding: a grading machine may sum in another order.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.judging import type_name
from autograder.verdict import fail

RTOL, ATOL = 1e-5, 1e-6


def judge(case: Case, observed: dict, expected: dict) -> None:
    expect_file(observed.get("file"))
    saved = expected["saved"]
    loaded = expect_state(observed.get("loaded"), saved)
    file = observed["file"]
    if not same(loaded["parameters"], saved["parameters"]):
        if not file["has_model"]:
            fail("checkpoint.model_not_saved")
        if same(loaded["parameters"], expected["decoy"]):
            fail("checkpoint.other_file")
        if same(loaded["parameters"], expected["fresh"]):
            fail("checkpoint.model_not_loaded")
        fail("checkpoint.model_differs", **first_off(loaded["parameters"], saved["parameters"]))
    if not same(loaded["buffers"], saved["buffers"]):
        fail("checkpoint.buffers_differ")
    if not same_optimizer(loaded["optimizer"], saved["optimizer"]):
        if not any(loaded["optimizer"]):
            fail("checkpoint.optimizer_not_saved" if not file["has_optimizer"] else "checkpoint.optimizer_not_loaded",
                 optimizer=case.inputs["optimizer"])
        fail("checkpoint.optimizer_differs", optimizer=case.inputs["optimizer"])
    resumed = expect_state(observed.get("resumed"), expected["final"])
    # The parameters after further steps (the loaded optimizer state was held to the saved one above): a
    # state like RMSprop's square average, compared after more steps, differs beyond any tolerance between
    # the sandbox's one thread and the grader's several, as right answers showed on some course seeds.
    if not same(resumed["parameters"], expected["final"]["parameters"]):
        fail("checkpoint.diverged", steps=case.inputs["steps_after"],
             **first_off(resumed["parameters"], expected["final"]["parameters"]))
    expect_start(observed.get("start"), case.inputs["epoch"], case.inputs["decoy_epoch"])


def expect_file(file) -> None:
    if type(file) is not dict or type(file.get("exists")) is not bool:
        raise ValueError("the report of the file is malformed")
    if not file["exists"]:
        fail("checkpoint.no_file")
    if file.get("weights_only") is not True:
        fail("checkpoint.not_weights_only", error=str(file.get("error")))
    if type(file.get("has_model")) is not bool or type(file.get("has_optimizer")) is not bool:
        raise ValueError("the report of the file is malformed")


def expect_state(state, like: dict) -> dict:
    """A reported state, shaped like the reference's (the same tensors per parameter, the probe's own making)."""
    if type(state) is not dict or not all(type(state.get(k)) is list for k in ("parameters", "buffers", "optimizer")):
        raise ValueError("the report of the state is malformed")
    for key in ("parameters", "buffers"):
        if len(state[key]) != len(like[key]) or not all(type(t) is torch.Tensor for t in state[key]):
            raise ValueError("the report of the state is malformed")
    if len(state["optimizer"]) != len(like["optimizer"]) or not all(type(s) is dict for s in state["optimizer"]):
        raise ValueError("the report of the optimizer state is malformed")
    return state


def same(actual: list, expected: list) -> bool:
    return len(actual) == len(expected) and all(close(a, e) for a, e in zip(actual, expected))


def close(a, e) -> bool:
    if isinstance(e, torch.Tensor):
        if type(a) is not torch.Tensor or a.shape != e.shape:
            return False
        if e.is_floating_point():
            return torch.allclose(a.to(e.dtype), e, rtol=RTOL, atol=ATOL)
        return torch.equal(a.to(e.dtype), e)
    if isinstance(e, (int, float)) and not isinstance(e, bool):
        return isinstance(a, (int, float)) and not isinstance(a, bool) and abs(a - e) <= ATOL + RTOL * abs(e)
    return a == e


def same_optimizer(actual: list[dict], expected: list[dict]) -> bool:
    """The optimizer's state per parameter: the same entries (momentum_buffer, exp_avg, step...), close values."""
    return len(actual) == len(expected) and all(
        a.keys() == e.keys() and all(close(a[k], e[k]) for k in e) for a, e in zip(actual, expected))


def first_off(actual: list[torch.Tensor], expected: list[torch.Tensor]) -> dict:
    """Where the first parameter that differs does, for a message."""
    for index, (a, e) in enumerate(zip(actual, expected)):
        if not close(a, e):
            wrong = ~torch.isclose(a.to(e.dtype), e, rtol=RTOL, atol=ATOL) if a.shape == e.shape else None
            if wrong is None or not wrong.any():
                return {"index": index, "actual": "?", "expected": "?"}
            where = tuple(int(i) for i in wrong.nonzero()[0])
            return {"index": index, "actual": f"{a[where].item():.6g}", "expected": f"{e[where].item():.6g}"}
    return {"index": "?", "actual": "?", "expected": "?"}


def expect_start(start, epoch: int, decoy_epoch: int) -> None:
    """The epoch to resume from: ``epoch + 1``, a Python int."""
    if start is None:
        fail("checkpoint.no_epoch", expected=epoch + 1)
    if type(start) is not int:
        fail("checkpoint.epoch_not_int", kind=type_name(start), expected=epoch + 1)
    if start == epoch:
        fail("checkpoint.resume_epoch", actual=start, epoch=epoch, expected=epoch + 1)
    if start == decoy_epoch + 1 or start == decoy_epoch:
        fail("checkpoint.other_file")
    if start != epoch + 1:
        fail("checkpoint.wrong_epoch", actual=start, epoch=epoch, expected=epoch + 1)
