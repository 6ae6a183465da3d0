"""Judge ``momentum_step``: at every step, what the call did (no torch.optim, None returned, gradients and
lists untouched, autograd left on), then the velocities and parameters against torch.optim.SGD's path.

At the first step where an answer leaves the right path, the usual wrong updates are tried at that
step (each from the same start, so each has followed the answer's path until then): the message names
the one whose values it has, where that one differs from the right update at all.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case, exercise
from autograder.judging import expect_no_operators, expect_tensor, type_name
from autograder.verdict import CheckFailed, fail, refail
from helper.i18n import message

VELOCITY_MISTAKES = ("velocity_unchanged", "velocity_lr", "dampening")
PARAM_MISTAKES = ("param_unchanged", "used_gradient", "nesterov")


def judge(case: Case, observed: dict, expected: dict) -> None:
    steps = observed.get("steps") if isinstance(observed, dict) else None
    steps = steps if type(steps) is list else []
    inputs = case.inputs
    for step, lr in enumerate(inputs["lrs"]):
        try:
            if step >= len(steps) or not isinstance(steps[step], dict):
                fail("momentum_step.missing_step", step=step + 1)
            report = steps[step]
            grads = report.get("given") if inputs["grads"] == "bowl" else inputs["grads"][step]
            expect_call(report, grads if type(grads) is list else [])
            expect_step(report, expected, step)
        except CheckFailed as failure:
            refail(failure, message("momentum_step.at_step", step=step + 1, lr=f"{lr:.4g}"))


def expect_call(report: dict, grads: list[torch.Tensor]) -> None:
    """Fail on anything the call did besides changing the tensors' values in place."""
    code = [str(name) for name in report.get("optim_code") or []]
    if code:
        classes = sorted({name.split(".")[0] for name in code if name.endswith(".__init__")})
        if classes:
            fail("momentum_step.used_optimizer", names=", ".join([c for c in classes if c != "Optimizer"] or classes))
        fail("momentum_step.used_optim_function", names=", ".join(code[:4]))
    if report.get("unhooked") is not False:
        fail("momentum_step.unhooked")
    expect_no_operators(report.get("operators"), exercise("momentum_step").forbidden_operators, name="momentum_step")
    error = report.get("error")
    if error is not None:
        types, detail = [str(t) for t in error.get("types", [])], str(error.get("detail", ""))
        if "RuntimeError" in types and "leaf Variable that requires grad" in detail:
            fail("momentum_step.no_grad", error=f"{types[0]}: {detail}")
        fields = error.get("fields") if isinstance(error.get("fields"), dict) else {}
        try:
            fail(str(error.get("id")), **fields)
        except (KeyError, IndexError, ValueError):  # an id or fields no probe sends: forged or broken
            raise CheckFailed(detail[:300], "crashed_plain") from None
    if report.get("returned") is not None:
        fail("momentum_step.returned", kind=str(report["returned"]))
    if report.get("grad_enabled") is not True:
        fail("momentum_step.grad_enabled")
    replaced = list(report.get("replaced") or [])
    for which in ("params", "velocities"):
        if which in replaced:
            fail("momentum_step.list_changed", which=which)
    after, swapped = list(report.get("grads") or []), list(report.get("grad_replaced") or [])
    for index, grad in enumerate(grads):
        now = after[index] if index < len(after) else None
        if swapped[index:index + 1] != [False] or not (_like(now, grad) and torch.equal(now, grad)):
            fail("momentum_step.grad_changed", index=index)


def expect_step(report: dict, expected: dict, step: int) -> None:
    """The velocities, then the parameters after step ``step`` (0-based) on the right path; else name the mistake."""
    right, mistakes = expected["right"], expected["mistakes"]
    for kind, key, names in (("velocities", "momentum_step.velocity", VELOCITY_MISTAKES),
                             ("params", "momentum_step.param", PARAM_MISTAKES)):
        want = [path[step] for path in right[kind]]
        actual = _checked(report.get(kind), want, key, kind, step + 1)
        if _all_close(actual, want, step + 1):
            continue
        for name in names:
            variant = [path[step] for path in mistakes[name][kind]]
            if _all_close(actual, variant, 1) and not _all_close(variant, want, step + 1):
                fail(f"momentum_step.{name}")
        for index, (a, e) in enumerate(zip(actual, want)):
            expect_tensor(a, e, message(key, index=index), **tolerance(e, step + 1))


def tolerance(reference: torch.Tensor, steps: int = 1) -> dict[str, float]:
    """Bit-close: ``p -= lr * v`` and SGD's fused ``p.add_(v, alpha=-lr)`` may differ in the last bit,
    once per step; the differences add up over a path, on the scale of its largest value."""
    eps = torch.finfo(reference.dtype).eps
    scale = max(1.0, reference.detach().abs().max().item()) if reference.numel() else 1.0
    return {"rtol": 8 * eps * steps, "atol": 8 * eps * steps * scale}


def _all_close(actual: list, expected: list, steps: int) -> bool:
    return all(torch.allclose(a, e, **tolerance(e, steps)) for a, e in zip(actual, expected))


def _like(actual, expected: torch.Tensor) -> bool:
    """A plain tensor of the same shape, dtype and device (what the judge receives may be anything)."""
    return (type(actual) is torch.Tensor and actual.shape == expected.shape
            and actual.dtype == expected.dtype and actual.device == expected.device)


def _checked(actual, expected: list[torch.Tensor], key: str, kind: str, steps: int) -> list[torch.Tensor]:
    """The reported tensors, once each is a tensor like its ``expected`` (the results may hold anything)."""
    actual = actual if type(actual) is list else []
    if len(actual) != len(expected):
        fail("momentum_step.count", what=kind, actual=len(actual), expected=len(expected))
    for index, (a, e) in enumerate(zip(actual, expected)):
        if not _like(a, e):
            if type(a) is not torch.Tensor:
                fail("not_tensor", what=message(key, index=index), kind=type_name(a))
            expect_tensor(a, e, message(key, index=index), **tolerance(e, steps))
    return actual
