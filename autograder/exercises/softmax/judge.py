"""Judge ``softmax(x)``: no forbidden operator, ``x`` untouched, the values of a stable softmax in ``x``'s dtype."""

from __future__ import annotations

import torch

from autograder.exercise import Case, exercise
from autograder.judging import expect_no_operators, expect_tensor, expect_unchanged
from helper.i18n import message


def judge(case: Case, observed: dict, expected: torch.Tensor) -> None:
    expect_no_operators(observed["operators"], exercise("softmax").forbidden_operators, name="softmax")
    expect_unchanged(observed["input_changed"], name="softmax")
    expect_tensor(observed["result"], expected, message("softmax.output"), **tolerance(case.inputs["x"]))


def tolerance(x: torch.Tensor) -> dict[str, float]:
    """``rtol``/``atol`` that any stable softmax meets on ``x``.

    A logit of size M is stored with a rounding error of about eps·M, and softmax turns an error
    in a logit into the same relative error in its output, so large logits earn a looser rtol.
    Every real mistake (nan, wrong row sums, wrong dimension) is off by far more than this.
    """
    eps = torch.finfo(x.dtype).eps
    return {"rtol": max(1e-5, 8 * eps * x.detach().abs().max().item()), "atol": 8 * eps}
