"""Judge ``cross_entropy``: no forbidden operator, inputs untouched, one number equal to F.cross_entropy's
(naming a sum for the mean, a lost minus sign, an unstable log-softmax), and autograd's gradient of it."""

from __future__ import annotations

import torch

from autograder.exercise import Case, exercise
from autograder.judging import expect_answered, expect_no_operators, expect_tensor, expect_unchanged, one_line
from autograder.verdict import fail
from helper.i18n import message


def judge(case: Case, observed: dict, expected: dict) -> None:
    tolerance = tolerance_for(case.inputs["logits"])
    what = message("cross_entropy.output")
    # The loss of plain logits, then of logits that require grad, then autograd's gradient of the latter.
    for call in (observed["plain"], observed["with_grad"]):
        expect_answered(call)  # the call with grad may have failed where the plain one ran
        forbidden = exercise("cross_entropy").forbidden_operators
        expect_no_operators(call["operators"], forbidden, name="cross_entropy")
        # What the loss's graph recorded, in any thread: named as the probe names them (nll_loss → nllloss).
        expect_no_operators(call.get("graph", []), {op.replace("_", "").lower(): shown for op, shown in forbidden.items()},
                            name="cross_entropy")
        expect_unchanged(call["input_changed"], name="cross_entropy")
        expect_loss(call["loss"], expected, what, tolerance, n=len(case.inputs["targets"]))
    failed = observed["grad_failed"]
    if failed is not None:
        fail("crashed", name="torch.autograd.grad", args="cross_entropy(logits, targets), logits",
             error=one_line(failed["error"], 60), detail=one_line(failed["detail"]))
    if observed["loss_requires_grad"] is not True or observed["grad"] is None:
        fail("cross_entropy.no_grad")
    expect_tensor(observed["grad"], expected["grad"], message("cross_entropy.gradient_of"), **tolerance)


def expect_loss(actual, expected: dict, what: str, tolerance: dict, n: int) -> None:
    """Compare a loss with the reference's, naming a wrong shape, a sum, a sign or an unstable formula first."""
    want = expected["loss"]
    if type(actual) is torch.Tensor and actual.shape != ():
        fail("cross_entropy.not_scalar", what=what, shape=tuple(actual.shape))
    if type(actual) is torch.Tensor and actual.dtype == want.dtype and actual.device == want.device:
        got = actual.detach()
        if not torch.isfinite(got) and (expected["overflows"] or expected["underflows"]):
            fail("cross_entropy.unstable", what=what, actual=f"{got.item():.6g}", largest=f"{expected['largest']:g}")
        if torch.isfinite(got) and not _close(got, want, tolerance):
            shown = dict(what=what, actual=f"{got.item():.6g}", expected=f"{want.item():.6g}")
            if n > 1 and want.abs() > 1e-3 and _close(got, expected["mistakes"]["sum"], tolerance):
                fail("cross_entropy.is_sum", n=n, **shown)
            if want.abs() > 1e-3 and _close(got, expected["mistakes"]["sign"], tolerance):
                fail("cross_entropy.wrong_sign", **shown)
            if expected["underflows"]:
                fail("cross_entropy.log_of_probability", **shown)
    expect_tensor(actual, want, what, **tolerance)


def tolerance_for(logits: torch.Tensor) -> dict[str, float]:
    """``rtol``/``atol`` that any stable cross-entropy meets, for the loss and for its gradient.

    A logit of size M carries a rounding error of about eps·M, and the loss (a logit minus a
    logsumexp) inherits it; every real mistake (nan, a factor N, a sign, a wrong class) is off by
    far more than this.
    """
    eps = torch.finfo(logits.dtype).eps
    scale = max(1.0, logits.detach().abs().max().item()) if logits.numel() else 1.0
    return {"rtol": 1e-5, "atol": 16 * eps * scale}


def _close(a: torch.Tensor, b: torch.Tensor, tolerance: dict) -> bool:
    return bool(torch.isclose(a, b.to(a.device), **tolerance))
