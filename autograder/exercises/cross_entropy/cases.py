"""The inputs of ``cross_entropy(logits, targets)``: three public ones the student sees, and hidden ones.

Every case is run three ways by the probe (plain logits, logits that require grad, and autograd's
gradient of that loss), so each one checks the loss and its gradient.

Hidden, in float32 and float64: random batches of many shapes and scales, then the edges of a
log-softmax: saturated logits (|logit| from 100 up to 10⁴, where exp() overflows in float32 and,
beyond 710, in float64), a true class hundreds or thousands below the row's maximum (its
probability underflows to 0, so a log of it is -inf, or wrong once clamped), rows far apart, equal
logits, and a batch whose targets are all the last class.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

# (N, C, scale of the logits): one example, two classes, a batch of digits, many classes.
SHAPES = [(1, 1, 1.0), (1, 10, 10.0), (3, 2, 1.0), (5, 7, 10.0), (64, 10, 1.0), (9, 100, 10.0), (3, 1000, 1.0)]
DTYPES = [torch.float32, torch.float64]


def cases(device: str, generator: torch.Generator | None):
    # The lesson's worked example: three images, three classes, true classes 0, 2, 2.
    yield _case("small", [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.0]], [0, 2, 2], device)
    # A confident right answer, a close call between two huge logits, and a true class 2000 below
    # the maximum: exp() overflows and log(softmax) underflows to log(0) = -inf; the loss is finite.
    yield _case("large", [[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0], [0.0, 1000.0, -1000.0]], [0, 2, 2], device)
    # Class 4 absent from the targets: the loss must still see all five columns.
    yield _case("gradient", torch.randn(4, 5, generator=torch.Generator().manual_seed(4)) * 2, [1, 0, 3, 1], device)
    if generator is None:
        return
    for dtype in DTYPES:
        for n, c, scale in SHAPES:
            logits = torch.randn(n, c, generator=generator, dtype=dtype) * scale
            targets = torch.randint(0, c, (n,), generator=generator)
            yield _hidden(f"randn({n}, {c})*{scale:g}", logits, targets, device, "random", n=n, c=c, scale=f"{scale:g}")
        for scale in (100.0, 300.0, 1000.0):  # saturated: some probabilities are 0 or 1 in the dtype
            logits = torch.randn(16, 10, generator=generator, dtype=dtype) * scale
            yield _hidden(f"saturated logits randn(16, 10)*{scale:g}", logits,
                          torch.randint(0, 10, (16,), generator=generator), device, "saturated", scale=f"{scale:g}")
        offsets = torch.tensor([[0.0], [1e4], [-1e4], [500.0]], dtype=dtype)
        yield _hidden("saturated logits, rows far apart, |logit| up to 10⁴",
                      torch.randn(4, 8, generator=generator, dtype=dtype) * 100 + offsets,
                      torch.randint(0, 8, (4,), generator=generator), device, "saturated_far_apart")
        wrong_by = torch.tensor([100.0, 200.0, 800.0, 5000.0], dtype=dtype)  # confidently wrong
        confident = torch.zeros(4, 6, dtype=dtype)
        confident[:, 0] = wrong_by
        yield _hidden("confidently wrong: the true class 100 to 5000 below the maximum", confident,
                      torch.tensor([3, 5, 1, 2]), device, "confidently_wrong")
        for kind, name, logits, targets in [
            ("huge", "huge logits", [[1000.0, 1001.0, 999.0], [5000.0, 5000.0, 4990.0]], [2, 2]),
            ("huge_negative", "huge negative logits", [[-1000.0, -1001.0, -999.0], [-1e4, -1e4 + 1, -1e4 + 2]], [1, 0]),
            ("far_below", "true class far below the maximum",
             [[-1000.0, 0.0, 1000.0], [88.0, 89.0, 90.0], [200.0, -200.0, 0.0]], [0, 0, 1]),
            ("equal", "equal logits", torch.full((4, 6), 3.5), [5, 0, 3, 5]),
            ("last_class", "every target the last class", torch.randn(6, 4, generator=generator, dtype=dtype), [3] * 6),
        ]:
            yield _hidden(name, torch.as_tensor(logits, dtype=dtype), torch.tensor(targets), device, kind)


def _case(name: str, logits, targets, device: str) -> Case:
    return Case(name, {"logits": torch.as_tensor(logits, dtype=torch.float32).to(device),
                       "targets": torch.tensor(targets).to(device)},
                hidden=False, title=f"cross_entropy.{name}")


def _hidden(name: str, logits: torch.Tensor, targets: torch.Tensor, device: str, kind: str, **fields) -> Case:
    """A hidden case, named in the student's language by the message ``case_<kind>``."""
    return Case(f"cross_entropy(logits, targets) for {name}, {logits.dtype}, {device}",
                {"logits": logits.to(device), "targets": targets.to(device)},
                title=f"cross_entropy.case_{kind}", fields=dict(fields, dtype=logits.dtype, device=device))
