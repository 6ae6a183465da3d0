"""The data sets ``train_val_split`` splits: three public ones the student sees, and hidden ones where bugs hide.

Each case is plain data: the kind of data set the probe builds (``tensors``: a ``TensorDataset``;
``virtual``: a data set that makes its items on demand; both count every item read), its size, the
validation fraction, and three generator seeds (the first twice, to see that a seed gives one split,
and another, to see that the split follows the generator).

Public: 10 samples with 0.2 (2 for validation), 9 samples with 0.3 (2.7: rounded down to 2), and
100,000 samples with 0.1, none of which may be read. Hidden: odd sizes (7 and 1,001 with 0.5, where
rounding to nearest differs from rounding down), fractions near the ends (0.01 and 0.99 of 150,
0.001 of 2,001, 0.999 of 1,001), the smallest split (2 samples), 1,000,003 samples, and random sizes
and fractions drawn from the course seed.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

FIXED = [("tensors", 7, 0.5), ("tensors", 1001, 0.5), ("virtual", 150, 0.01), ("virtual", 150, 0.99),
         ("tensors", 2001, 0.001), ("virtual", 1001, 0.999), ("tensors", 2, 0.5), ("virtual", 1_000_003, 0.1)]
"""(kind, samples, fraction) of the fixed hidden cases."""


def spec(kind: str, n: int, val_fraction: float, seeds: tuple[int, int]) -> dict:
    first, other = seeds
    return {"kind": kind, "n": n, "val_fraction": val_fraction, "seeds": [first, first, other]}


def _name(s: dict) -> str:
    what = "a TensorDataset" if s["kind"] == "tensors" else "a data set of its own (not a list)"
    return f"train_val_split on {what} of {s['n']:,} samples, val_fraction={s['val_fraction']}"


def _described(s: dict) -> dict:
    """The title and fields that name a hidden case in the student's language."""
    return {"title": f"train_val_split.case_{s['kind']}", "fields": {"n": f"{s['n']:,}", "fraction": s["val_fraction"]}}


def cases(device: str, generator: torch.Generator | None):
    yield Case("example", spec("tensors", 10, 0.2, (0, 1)), hidden=False, title="train_val_split.example")
    yield Case("rounding", spec("virtual", 9, 0.3, (2, 3)), hidden=False, title="train_val_split.rounding")
    yield Case("large", spec("virtual", 100_000, 0.1, (4, 5)), hidden=False, title="train_val_split.large")
    if generator is None:
        return

    def seeds() -> tuple[int, int]:
        first, other = (int(s) for s in torch.randint(0, 2**31, (2,), generator=generator))
        return first, other if other != first else first + 1

    for kind, n, fraction in FIXED:
        s = spec(kind, n, fraction, seeds())
        yield Case(_name(s), s, **_described(s))
    for index in range(4):
        while True:
            n = int(torch.randint(20, 5001, (), generator=generator))
            percent = int(torch.randint(5, 96, (), generator=generator))
            # Only fractions whose float product rounds down as the exact one does: the rule, not float's luck.
            if int(n * (percent / 100)) == n * percent // 100:
                break
        s = spec("tensors" if index % 2 else "virtual", n, percent / 100, seeds())
        yield Case(_name(s), s, **_described(s))
