"""Judge ``two_layer_backward``: no autograd by any route, inputs untouched, a pair (dW1, dW2) equal to
autograd's (naming a transpose, a missing 1/N, a flipped sign, a saturated sigmoid) and, in float64, to
central differences of the loss."""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.judging import expect_tensor, expect_unchanged, type_name
from autograder.verdict import fail

NAMES = ("dW1", "dW2")
GRADCHECK_LIMIT = 1e-6
"""Largest relative error a correct float64 gradient shows against the central differences."""
ROUTES = ("torch_func", "forward_ad", "graph")
"""The kinds of autograd use the probe reports, the most specific first (torch.func.jacfwd is forward AD too)."""


def judge(case: Case, observed: dict, expected: dict) -> None:
    used = observed["autograd"] if isinstance(observed["autograd"], list) else []
    for route in ROUTES:
        if route in used:
            fail(f"two_layer_backward.uses_{route}")
    expect_unchanged(observed["input_changed"], name="two_layer_backward")
    result = observed["result"]
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        kind = f"{type(result).__name__} of length {len(result)}" if isinstance(result, (tuple, list)) \
            else type_name(result)
        fail("two_layer_backward.not_pair", kind=kind)
    wanted = (expected["dW1"], expected["dW2"])
    for index in (1, 0):  # dW2 first: backpropagation finds it first
        actual, want, what = result[index], wanted[index], NAMES[index]
        tolerance = tolerance_for(want)
        if type(actual) is torch.Tensor and actual.dtype == want.dtype and actual.device == want.device:
            if actual.shape != want.shape and actual.shape == want.shape[::-1]:
                fail("two_layer_backward.transposed", what=what, actual=tuple(actual.shape), expected=tuple(want.shape))
            if actual.shape == want.shape and not torch.allclose(actual, want, **tolerance, equal_nan=False):
                if not torch.isfinite(actual).all() and expected["saturated"]:
                    fail("two_layer_backward.saturated", what=what, dtype=str(want.dtype).removeprefix("torch."))
                if len(case.inputs["X"]) > 1 and torch.allclose(actual, expected["mistakes"]["no_mean"][index], **tolerance):
                    fail("two_layer_backward.times_n", what=what, n=len(case.inputs["X"]))
                if torch.allclose(actual, expected["mistakes"]["sign"][index], **tolerance):
                    fail("two_layer_backward.sign", what=what)
                for slip in ("mse_derivative", "no_hidden_slope"):
                    if torch.allclose(actual, expected["mistakes"][slip][index], **tolerance):
                        fail(f"two_layer_backward.{slip}", what=what)
        expect_tensor(actual, want, what, **tolerance)
    if expected["numerical"] is not None:
        for name, actual, numerical in zip(NAMES, result, expected["numerical"]):
            error = relative_error(actual, numerical)
            if not error < GRADCHECK_LIMIT:
                fail("two_layer_backward.gradcheck_failed", what=name, error=f"{error:.2g}", limit=f"{GRADCHECK_LIMIT:g}")


def tolerance_for(want: torch.Tensor) -> dict[str, float]:
    """What a right hand-written gradient meets: float64 tightly; float32 within its rounding.

    In float32, σ'(z) = h(1 − h) taken from the sigmoid's output loses most of its digits where h is
    within a few ulps of 1 (1 − h cancels), so entries of a nearly saturated unit are off by far more
    than rtol; they are tiny, though, next to the gradient's largest entry, which sets ``atol``.
    """
    if want.dtype == torch.float64:
        return {"rtol": 1e-7, "atol": 1e-10}
    largest = want.detach().abs().max().item() if want.numel() else 0.0
    return {"rtol": 1e-4, "atol": 1e-6 + 1e-4 * largest}


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖): about 1e-16 for equal float64 tensors, 1 for unrelated ones."""
    a, b = a.detach().double(), b.detach().double()
    return ((a - b).norm() / (a.norm() + b.norm()).clamp_min(1e-12)).item()
