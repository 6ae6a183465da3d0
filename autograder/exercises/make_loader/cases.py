"""The inputs of ``make_loader(X, y, batch_size, shuffle)``: two public data sets, and hidden ones where bugs hide.

Each case is a data set, a batch size, ``shuffle``, the seed of torch's generator for the shuffling
and the number of epochs the probe goes through. Every row of ``X`` is distinct, so a row in a batch
tells which sample it is. Hidden: remainders, exact multiples, batch size 1, one partial batch, a
batch exactly the data set and one larger than it; flat and image-shaped samples; float32, float64
and uint8 features (a loader must not convert them); class labels and regression targets; and
random sizes drawn from the course seed; each with and without shuffling.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

EPOCHS = 2
"""Epochs the probe goes through: a new order every epoch is what separates a DataLoader from a list."""

# (samples, batch size, shape of one sample, X dtype, targets)
FIXED = [
    (10, 3, (2,), torch.float32, "classes"),
    (12, 4, (1, 3, 3), torch.float64, "classes"),
    (9, 1, (3,), torch.float32, "classes"),
    (7, 10, (4,), torch.float32, "classes"),
    (16, 16, (2, 2), torch.float64, "targets"),
    (33, 8, (1, 4, 4), torch.float32, "targets"),
    (40, 12, (1, 5, 5), torch.uint8, "classes"),
]


def cases(device: str, generator: torch.Generator | None):
    # Row i of X is (i, i / 10, -i): each row names its sample, and y[i] = i.
    X = torch.stack([torch.arange(10.0), torch.arange(10.0) / 10, -torch.arange(10.0)], dim=1)
    yield Case("in_order", _spec(X, torch.arange(10), 4, False, seed=0, device=device),
               hidden=False, title="make_loader.in_order_ok")
    images = torch.randn(22, 1, 2, 2, generator=torch.Generator().manual_seed(8), dtype=torch.float64)
    labels = torch.arange(22) % 5 * 10 + torch.arange(22) // 5  # distinct labels: a mix-up always shows
    yield Case("shuffled", _spec(images, labels, 6, True, seed=0, device=device),
               hidden=False, title="make_loader.shuffled_ok")
    if generator is None:
        return
    for n, batch_size, shape, dtype, targets in [*FIXED, *_random_sizes(generator)]:
        X, y = _data(n, shape, dtype, targets, generator)
        for shuffle in (False, True):
            seed = int(torch.randint(0, 2**31, (), generator=generator))
            yield Case(f"make_loader(X, y, batch_size={batch_size}, shuffle={shuffle}) with {n} samples of shape "
                       f"{shape}, {dtype}, {targets}, {device}",
                       _spec(X, y, batch_size, shuffle, seed=seed, device=device),
                       title=f"make_loader.case_{targets}", fields=dict(batch_size=batch_size, shuffle=shuffle, n=n,
                                                                        shape=shape, dtype=dtype, device=device))


def _spec(X, y, batch_size: int, shuffle: bool, seed: int, device: str) -> dict:
    return {"X": X.to(device), "y": y.to(device), "batch_size": batch_size, "shuffle": shuffle, "seed": seed,
            "epochs": EPOCHS}


def _random_sizes(generator: torch.Generator):
    def pick(options):
        return options[int(torch.randint(len(options), (), generator=generator))]

    for _ in range(6):
        n = int(torch.randint(8, 201, (), generator=generator))
        yield (n, pick([1, 2, 5, 16, 32, 64, n - 1, n, n + 3]), pick([(3,), (1, 5, 5), (2, 3)]),
               pick([torch.float32, torch.float64]), pick(["classes", "targets"]))


def _data(n: int, shape: tuple, dtype: torch.dtype, targets: str, generator: torch.Generator):
    """Features with distinct rows, and class labels (int64) or regression targets (float32, (N, 1))."""
    if dtype == torch.uint8:
        X = torch.randint(0, 256, (n, *shape), generator=generator, dtype=torch.uint8)
        flat = X.view(n, -1)
        flat[:, 0], flat[:, 1] = torch.arange(n) % 256, torch.arange(n) // 256  # distinct rows, still bytes
    else:
        X = torch.randn(n, *shape, generator=generator, dtype=dtype)
    if targets == "classes":
        y = torch.randint(0, 10, (n,), generator=generator)
    else:
        y = torch.randn(n, 1, generator=generator)
    return X, y
