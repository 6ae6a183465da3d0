"""Hidden tests for ``softmax(x)``: many shapes, seeds, dtypes, devices and extreme logits.

The visible checks show the student three fixed inputs; these use fresh random ones, so an answer
that hard-codes the visible outputs, sums over the wrong dimension, overflows on large logits,
writes into its input or calls torch's own softmax loses the points.
"""

from __future__ import annotations

import torch

from helper.checks.core import CheckFailed, expect_no_operators, expect_tensor
from helper.checks.softmax import SOFTMAX_OPERATORS, softmax_tolerance
from helper.i18n import message

from . import run_in_process

LESSON = "01_softmax"
ANSWER_CELL = "softmax"
DEFINES = ("softmax",)
CONTEXT = "import torch"
FORBIDDEN_NAMES = ("softmax", "log_softmax", "Softmax", "LogSoftmax", "softmax_", "special_softmax")

SHAPES = [(1, 1), (1, 10), (2, 3), (3, 2), (7, 7), (64, 10), (5, 1000)]
DTYPES = [torch.float32, torch.float64]


def _cases(device: str, dtype: torch.dtype, seed: int = 2024):
    """Named inputs: random logits at several scales, then the edge cases of a softmax."""
    generator = torch.Generator().manual_seed(seed)
    for shape in SHAPES:
        for scale in (1.0, 10.0):
            yield f"randn{shape}*{scale}", torch.randn(shape, generator=generator, dtype=dtype) * scale
    yield "huge positive logits", torch.tensor([[1000.0, 1001.0, 999.0], [5000.0, 5000.0, 4990.0]], dtype=dtype)
    yield "huge negative logits", torch.tensor([[-1000.0, -1001.0, -999.0], [-1e4, -1e4 + 1, -1e4 + 2]], dtype=dtype)
    yield "mixed extremes", torch.tensor([[-1000.0, 0.0, 1000.0], [88.0, 89.0, 90.0]], dtype=dtype)
    yield "equal logits", torch.full((4, 6), 3.5, dtype=dtype)
    yield "shifted rows", torch.arange(12, dtype=dtype).reshape(3, 4) * 100


def cases(device: str):
    for dtype in DTYPES:
        for name, x in _cases(device, dtype):
            yield f"softmax(x) for {name}, {dtype}, {device}", {"x": x.to(device)}


def judge(case: str, inputs: dict, outputs: dict) -> None:
    expect_no_operators(outputs["operators"], SOFTMAX_OPERATORS, name="softmax")
    if outputs["input_changed"]:
        raise CheckFailed(message("input_modified", name="softmax"))
    x = inputs["x"]
    expect_tensor(outputs["result"], torch.softmax(x, dim=1), case, **softmax_tolerance(x))


def hidden_tests(softmax, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first input where ``softmax`` is wrong."""
    run_in_process("softmax", (softmax,), devices)
