"""Hidden tests for ``softmax(x)``: many shapes, seeds, dtypes, devices and extreme logits.

The visible checks show the student three fixed inputs; these use fresh random ones, so an answer
that hard-codes the visible outputs, sums over the wrong dimension, overflows on large logits,
writes into its input or calls torch's own softmax loses the points.
"""

from __future__ import annotations

import torch

from helper.checks.core import expect_tensor
from helper.checks.softmax import run_softmax, softmax_tolerance

from . import available_devices

LESSON = "01_softmax"
ANSWER_CELL = "softmax"
DEFINES = ("softmax",)
CONTEXT = "import torch"

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


def hidden_tests(softmax, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first input where ``softmax`` is wrong."""
    for device in devices or available_devices():
        for dtype in DTYPES:
            for name, x in _cases(device, dtype):
                x = x.to(device)
                expect_tensor(run_softmax(softmax, x), torch.softmax(x, dim=1),
                              f"softmax(x) for {name}, {dtype}, {device}", **softmax_tolerance(x))
