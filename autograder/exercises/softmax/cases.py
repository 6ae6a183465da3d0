"""The inputs of ``softmax(x)``: three public ones the student sees, and hidden ones where bugs hide.

Hidden: many shapes and scales in float32 and float64, saturated logits (|x| from 100 up to 10⁴,
where a softmax without the max shift overflows), rows far apart (one maximum for the whole batch
underflows), equal logits and a single column.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

SHAPES = [(1, 1), (1, 10), (2, 3), (3, 2), (7, 7), (64, 10), (5, 1000)]
SCALES = [1.0, 10.0, 100.0, 1000.0]
DTYPES = [torch.float32, torch.float64]


def cases(device: str, generator: torch.Generator | None):
    yield Case("small", {"x": torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], device=device)},
               hidden=False, title="softmax.small")
    yield Case("random", {"x": torch.randn(5, 10, generator=torch.Generator().manual_seed(0)).to(device) * 3},
               hidden=False, title="softmax.random")
    # Rows far apart: each row needs its own maximum, not one for the whole batch.
    yield Case("large", {"x": torch.tensor([[1000.0, 1000.5, 999.0], [-1000.0, 0.0, 1000.0],
                                           [-1000.0, -999.0, -1001.0]], device=device)},
               hidden=False, title="softmax.large")
    if generator is None:
        return
    for dtype in DTYPES:
        for shape in SHAPES:
            for scale in SCALES:
                x = torch.randn(shape, generator=generator, dtype=dtype) * scale
                yield Case(f"softmax(x) for randn{shape}*{scale:g}, {dtype}, {device}", {"x": x.to(device)},
                           title="softmax.case_random", fields=dict(shape=shape, scale=f"{scale:g}", dtype=dtype, device=device))
        saturated = torch.randn(4, 8, generator=generator, dtype=dtype) * 100 + \
            torch.tensor([[0.0], [1e4], [-1e4], [500.0]], dtype=dtype)
        for kind, x in [
            ("saturated", saturated),
            ("huge_positive", torch.tensor([[1000.0, 1001.0, 999.0], [5000.0, 5000.0, 4990.0]], dtype=dtype)),
            ("huge_negative", torch.tensor([[-1000.0, -1001.0, -999.0], [-1e4, -1e4 + 1, -1e4 + 2]], dtype=dtype)),
            ("mixed_extremes", torch.tensor([[-1000.0, 0.0, 1000.0], [88.0, 89.0, 90.0]], dtype=dtype)),
            ("equal", torch.full((4, 6), 3.5, dtype=dtype)),
            ("rows_far_apart", torch.arange(12, dtype=dtype).reshape(3, 4) * 100),
        ]:
            yield Case(f"softmax(x) for {kind} logits, {dtype}, {device}", {"x": x.to(device)},
                       title=f"softmax.case_{kind}", fields=dict(dtype=dtype, device=device))
