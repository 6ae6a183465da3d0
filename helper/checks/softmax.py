"""Visible checks for the ``softmax(x)`` exercise (lesson 1)."""

from __future__ import annotations

import torch

from ..i18n import add_messages, message
from .core import call, expect_tensor, expect_unchanged, forbid_operators, passed

add_messages({
    "softmax_small": {"en": "softmax of a small batch", "zh": "小批量数据的 softmax"},
    "softmax_rows_sum": {"en": "each row sums to 1", "zh": "每一行的和为 1"},
    "softmax_large": {"en": "large logits (1000) stay finite", "zh": "很大的 logits（1000）也不会溢出"},
    "softmax_output": {"en": "softmax(x)", "zh": "softmax(x)"},
    "softmax_row_sums": {"en": "the row sums of softmax(x)", "zh": "softmax(x) 每一行的和"},
})

SOFTMAX_OPERATORS = {
    "softmax": "torch.softmax", "_softmax": "torch.softmax", "_safe_softmax": "torch.softmax",
    "log_softmax": "torch.log_softmax", "_log_softmax": "torch.log_softmax",
}
"""ATen operators the exercise forbids, with the name a student would recognise."""


def softmax_reference(x: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax of an (N, C) tensor, the way the lesson derives it."""
    shifted = x - x.max(dim=1, keepdim=True).values
    exp = shifted.exp()
    return exp / exp.sum(dim=1, keepdim=True)


def softmax_tolerance(x: torch.Tensor) -> dict[str, float]:
    """``rtol``/``atol`` that any stable softmax meets on ``x``.

    A logit of size M is stored with a rounding error of about eps·M, and softmax turns an error
    in a logit into the same relative error in its output, so large logits earn a looser rtol.
    Every real mistake (nan, wrong row sums, wrong dimension) is off by far more than this.
    """
    eps = torch.finfo(x.dtype).eps
    return {"rtol": max(1e-5, 8 * eps * x.detach().abs().max().item()), "atol": 8 * eps}


def run_softmax(softmax, x: torch.Tensor) -> torch.Tensor:
    """Call the student's softmax on ``x``, failing if it mutates ``x`` or calls torch's softmax."""
    original, version = x.clone(), x._version
    with forbid_operators(SOFTMAX_OPERATORS, name="softmax"):
        result = call(softmax, x, name="softmax")
    expect_unchanged(x, version, original, name="softmax")
    return result


def check_softmax(softmax) -> None:
    """The checks a student runs: a worked example, rows summing to one, and huge logits."""
    small = torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    expect_tensor(run_softmax(softmax, small), softmax_reference(small), message("softmax_output"),
                  **softmax_tolerance(small))
    passed(message("softmax_small"))

    logits = torch.randn(5, 10, generator=torch.Generator().manual_seed(0)) * 3
    row_sums = run_softmax(softmax, logits).sum(dim=1)
    expect_tensor(row_sums, torch.ones(5), message("softmax_row_sums"), atol=1e-5)
    passed(message("softmax_rows_sum"))

    # Rows far apart: each row needs its own maximum, not one for the whole batch.
    large = torch.tensor([[1000.0, 1000.5, 999.0], [-1000.0, 0.0, 1000.0], [-1000.0, -999.0, -1001.0]])
    expect_tensor(run_softmax(softmax, large), softmax_reference(large), message("softmax_output"),
                  **softmax_tolerance(large))
    passed(message("softmax_large"))
    print(message("all_passed"))
