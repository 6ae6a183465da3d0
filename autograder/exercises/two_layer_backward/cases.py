"""The inputs of ``two_layer_backward(X, y, W1, W2)``: three public problems, then hidden ones.

Hidden: random problems of many sizes (one of everything, square, more inputs than examples, wide
hidden layers, one hidden unit) in float64, labels all 1 or all 0, a float32 one, and saturated
sigmoids in float64 and float32: an output sigmoid at ŷ = 0 or 1 exactly and confidently wrong, and
hidden units with |z1| up to about 1000, where a division by ŷ(1 − ŷ) or exp() of a large logit
gives inf or nan while the gradient itself is finite.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

# (N, D, H): one of everything, square, more inputs than examples, wide hidden layers, one hidden unit.
SIZES = [(1, 1, 1), (2, 2, 2), (5, 3, 4), (16, 4, 8), (7, 10, 3), (32, 2, 16), (3, 6, 1)]
KEYS = ("X", "y", "W1", "W2")


def problem(n: int, d: int, h: int, generator: torch.Generator, dtype=torch.float64) -> list[torch.Tensor]:
    """Inputs, 0/1 labels and weights of a random two-layer problem."""
    X = torch.randn(n, d, generator=generator, dtype=dtype)
    y = torch.randint(0, 2, (n, 1), generator=generator).to(dtype)
    W1 = torch.randn(d, h, generator=generator, dtype=dtype)
    W2 = torch.randn(h, 1, generator=generator, dtype=dtype)
    return [X, y, W1, W2]


def cases(device: str, generator: torch.Generator | None):
    # A random problem first: N, D and H all differ, so a misplaced transpose shows as a shape.
    random = problem(5, 3, 4, torch.Generator().manual_seed(5))
    yield _case("gradcheck", random, device, hidden=False)
    # The lesson's worked example: N = 2 examples, D = 2 inputs, H = 2 hidden units.
    worked = [[[1.0, 2.0], [-1.0, 0.5]], [[1.0], [0.0]], [[0.5, -0.3], [0.2, 0.4]], [[0.7], [-0.6]]]
    yield _case("worked", [torch.tensor(t, dtype=torch.float64) for t in worked], device, hidden=False)
    yield _case("float32", [t.float() for t in random], device, hidden=False)
    if generator is None:
        return
    for n, d, h in SIZES:
        yield _case(f"N={n}, D={d}, H={h}", problem(n, d, h, generator), device, kind="random", n=n, d=d, h=h)
    X, _, W1, W2 = problem(6, 3, 5, generator)
    yield _case("every label 1", [X, torch.ones(6, 1, dtype=X.dtype), W1, W2], device, kind="labels_1")
    yield _case("every label 0", [X, torch.zeros(6, 1, dtype=X.dtype), W1, W2], device, kind="labels_0")
    yield _case("N=8, D=3, H=5", problem(8, 3, 5, generator, torch.float32), device, kind="random", n=8, d=3, h=5)
    for dtype, scale in ((torch.float64, 1000.0), (torch.float32, 60.0)):
        # The output sigmoid saturates (z2 in the hundreds): ŷ is exactly 1, and every label says 0 or 1.
        X, y, W1, W2 = problem(8, 3, 5, generator, dtype)
        W2 = W2.abs() * 100
        yield _case("a saturated output sigmoid, confidently wrong", [X, torch.zeros_like(y), W1, W2], device,
                    kind="saturated_wrong")
        yield _case("a saturated output sigmoid, mixed labels", [X, y, W1, W2], device, kind="saturated_mixed")
        # The hidden sigmoids saturate: |z1| up to about `scale` (beyond exp()'s range in float64 at 1000).
        X, y, W1, W2 = problem(10, 4, 6, generator, dtype)
        yield _case(f"saturated hidden sigmoids, |z1| up to about {scale:g}", [X * scale / 3, y, W1, W2], device,
                    kind="saturated_hidden", scale=f"{scale:g}")
        X, y, W1, W2 = problem(10, 4, 6, generator, dtype)
        yield _case("every sigmoid saturated", [X * scale / 3, y, W1, W2 * 20], device, kind="saturated_all")


def _case(name: str, tensors: list[torch.Tensor], device: str, hidden: bool = True, kind: str = "",
          **fields) -> Case:
    """A case; a hidden one is named in the student's language by the message ``case_<kind>``."""
    inputs = {key: t.to(device) for key, t in zip(KEYS, tensors)}
    if not hidden:
        return Case(name, inputs, hidden=False, title=f"two_layer_backward.{name}")
    return Case(f"{name}, {tensors[0].dtype}, {device}", inputs, title=f"two_layer_backward.case_{kind}",
                fields=dict(fields, dtype=tensors[0].dtype, device=device))
