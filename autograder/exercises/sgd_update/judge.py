"""Judge ``sgd_update``: no torch.optim, nothing touched but the values, then the values after every step.

Each step's report is read in order: the hook that watches for torch.optim intact, no optimizer
created and none of torch.optim's code or fused kernels run, no crash (a crash of an in-place
update under autograd, or on a parameter without gradient, is explained), None returned, autograd
left on, the list and the gradients left alone; then the parameters against the reference's
``torch.optim.SGD`` (unchanged, uphill and touched-without-gradient named as such).
"""

from __future__ import annotations

import torch
from torch import nn

from autograder.exercise import Case, exercise
from autograder.judging import expect_no_operators, expect_tensor
from autograder.judging_models import fail_crash
from autograder.verdict import CheckFailed, fail, refail
from helper.i18n import message


def judge(case: Case, observed: dict, expected: dict) -> None:
    steps = observed.get("steps") if isinstance(observed, dict) else None
    steps = steps if type(steps) is list else []
    before = list(case.inputs["model"]["state"].values())
    for step, (lr, want) in enumerate(zip(case.inputs["lrs"], expected["steps"]), 1):
        try:
            if step > len(steps) or not isinstance(steps[step - 1], dict):
                fail("sgd_update.missing_step", step=step)
            seen = steps[step - 1]
            expect_call(seen, want["grads"])
            reported = seen.get("params")
            if type(reported) is not list or len(reported) != len(want["params"]):
                fail("sgd_update.count", expected=len(want["params"]),
                     actual=len(reported) if type(reported) is list else 0)
            expect_parameters(reported, before, want, step)
        except CheckFailed as failure:
            refail(failure, message("sgd_update.step", step=step, lr=f"{lr:.4g}"))
        before = reported


def expect_call(seen: dict, grads: list) -> None:
    """Everything the probe saw of one call, besides the new values."""
    if seen.get("watch_lost") is not False:
        fail("sgd_update.watch_removed")
    optimizers = [str(n) for n in seen.get("optimizers") or []]
    if optimizers:
        fail("sgd_update.used_optimizer", names=", ".join(optimizers))
    code = [str(n) for n in seen.get("optim_code") or []]
    if code:
        fail("sgd_update.used_optim_code", names=", ".join(code))
    expect_no_operators(seen.get("operators"), exercise("sgd_update").forbidden_operators, name="sgd_update")
    error = seen.get("error")
    if error is not None:
        explain_error(error if isinstance(error, dict) else {}, frozen=any(g is None for g in grads))
    if seen.get("returned") is not None:
        fail("sgd_update.returned", kind=str(seen["returned"]))
    if seen.get("grad_enabled") is not True:
        fail("sgd_update.grad_enabled")
    if seen.get("list_replaced") is not False:
        fail("sgd_update.list_changed")
    reported = seen.get("grads") if type(seen.get("grads")) is list else []
    replaced = seen.get("grad_replaced") if type(seen.get("grad_replaced")) is list else []
    changed = seen.get("grad_values_changed") if type(seen.get("grad_values_changed")) is list else []
    for index, grad in enumerate(grads):
        if grad is None:
            continue
        now = reported[index] if index < len(reported) else None
        how = ("none" if now is None else "replaced" if replaced[index:index + 1] != [False]
               else "values" if changed[index:index + 1] != [False] or not _near_grad(now, grad) else None)
        if how:
            fail("sgd_update.grad_changed", index=index, how=message(f"sgd_update.grad_how_{how}"))


def explain_error(error: dict, frozen: bool) -> None:
    """A call that raised: the two classic crashes get their cause and fix, anything else is told as it came."""
    types, detail = [str(t) for t in error.get("types") or []], str(error.get("detail", ""))
    shown = f"{types[0]}: {detail}" if types else detail
    if "RuntimeError" in types and "leaf Variable that requires grad" in detail:
        fail("sgd_update.no_grad", error=shown)
    if ("TypeError" in types or "AttributeError" in types) and "NoneType" in detail and frozen:
        fail("sgd_update.none_grad", error=shown)
    fail_crash({"crashed": {"id": error.get("id"), "fields": error.get("fields")}, "cause": shown})


def expect_parameters(reported: list, before: list, want: dict, step: int = 1) -> None:
    """The parameters after one step: the reference's, with "unchanged", "uphill" and "touched frozen" named.

    After the first step the answer's parameters are a few bits away from the reference's, and so are
    the gradients taken at them; with a large learning rate that difference grows with every step
    (seen: 3e-15 relative in float64 and 7e-6 in float32 at the third step of a small conv net with
    lr ≈ 0.9). Later steps are held to the gradients' tolerance; every real mistake is far off.
    """
    dtype = want["params"][0].dtype
    close = tolerance(dtype) if step == 1 else drifted_tolerance(dtype)
    right, grads, uphill = want["params"], want["grads"], want["uphill"]
    for index, (p, e) in enumerate(zip(reported, right)):
        if not _like(p, e):  # say what it is, compare nothing else
            expect_tensor(p, e, message("sgd_update.param", index=index), **close)
    moved = [i for i, g in enumerate(grads) if g is not None]
    if moved and all(torch.equal(reported[i].detach(), before[i].detach()) for i in moved):
        fail("sgd_update.unchanged")
    if moved and all(_close(reported[i], uphill[i]) for i in moved) \
            and not all(_close(reported[i], right[i]) for i in moved):
        fail("sgd_update.ascent")
    for index, grad in enumerate(grads):
        if grad is None and not torch.equal(reported[index].detach(), right[index]):
            fail("sgd_update.touched_frozen", index=index)
    for index, (p, e) in enumerate(zip(reported, right)):
        expect_tensor(p.detach(), e, message("sgd_update.param", index=index), **close)


def tolerance(dtype: torch.dtype) -> dict[str, float]:
    """Bit-close: ``p - lr * g`` and SGD's fused ``p.add_(g, alpha=-lr)`` may differ in the last bit or two."""
    eps = torch.finfo(dtype).eps
    return {"rtol": 8 * eps, "atol": 8 * eps}


def drifted_tolerance(dtype: torch.dtype) -> dict[str, float]:
    """For parameters reached after earlier steps: the tolerance of gradients taken a few bits apart."""
    eps = torch.finfo(dtype).eps
    return {"rtol": eps ** 0.5, "atol": eps ** 0.5}


def _close(actual: torch.Tensor, expected: torch.Tensor) -> bool:
    return bool(torch.allclose(actual.detach(), expected, **tolerance(expected.dtype)))


def _near_grad(actual, expected: torch.Tensor) -> bool:
    """A reported gradient near the reference's: the probe's own before/after comparison decides; this only
    refuses a report whose gradients are far off (zeroed, say). After a few steps the answer's gradients
    are taken at parameters a few bits away, on another thread count: only a loose tolerance holds."""
    if not _like(actual, expected):
        return False
    loose = torch.finfo(expected.dtype).eps ** 0.25
    return bool(torch.allclose(actual.detach(), expected, rtol=loose, atol=loose * float(expected.abs().max())))


def _like(actual, expected: torch.Tensor) -> bool:
    """A plain tensor of the same shape, dtype and device (what the judge receives may be anything)."""
    return (type(actual) in (torch.Tensor, nn.Parameter) and actual.shape == expected.shape
            and actual.dtype == expected.dtype and actual.device == expected.device)
