"""Hidden tests for ``make_loader(X, y, batch_size, shuffle)``: a DataLoader over TensorDataset(X, y).

The visible checks use two small data sets. These use random sizes (batch size 1, a batch larger
than the data, exact multiples and remainders), image-shaped and flat features, float32 and float64
data, class labels and regression targets, on every device. The probe goes through two epochs of
each loader and sends every batch back; the judge checks them: every batch aligned, every sample
once per epoch, the exact order without shuffling, a new order every epoch with shuffling, the last
partial batch kept, the dtypes untouched. So a loader that drops the last batch, ignores
``shuffle`` or ``batch_size``, shuffles X and y separately, converts the data, or is a list of
batches made once (the same order in both epochs) loses the points.
"""

from __future__ import annotations

import random

import torch

from helper.checks.core import CheckFailed
from helper.checks.make_loader import check_epoch, expect_length, expect_loader_kind, expect_orders, row_index

from . import run_in_process

LESSON = "08_minibatches"
ANSWER_CELL = "make_loader"
DEFINES = ("make_loader",)
CONTEXT = """\
import math
import time

import torch
from matplotlib import pyplot as plt
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import helper
from helper.i18n import message
"""

EPOCHS = 2

# (samples, batch size, shape of one sample, X dtype, targets): remainders, exact multiples, batch 1,
# one partial batch, a batch exactly the data set, and a batch larger than the data.
FIXED = [
    (10, 3, (2,), torch.float32, "classes"),
    (12, 4, (1, 3, 3), torch.float64, "classes"),
    (9, 1, (3,), torch.float32, "classes"),
    (7, 10, (4,), torch.float32, "classes"),
    (16, 16, (2, 2), torch.float64, "targets"),
    (33, 8, (1, 4, 4), torch.float32, "targets"),
]


def _sizes(seed: int = 8080):
    yield from FIXED
    rng = random.Random(seed)
    for _ in range(6):
        n = rng.randint(8, 200)
        yield (n, rng.choice([1, 2, 5, 16, 32, 64, n - 1, n, n + 3]), rng.choice([(3,), (1, 5, 5), (2, 3)]),
               rng.choice([torch.float32, torch.float64]), rng.choice(["classes", "targets"]))


def _data(n: int, shape: tuple, dtype: torch.dtype, targets: str, device: str, generator: torch.Generator):
    """Random features (distinct rows, so each row names its sample) and labels or regression targets."""
    X = torch.randn(n, *shape, generator=generator, dtype=dtype)
    if targets == "classes":
        y = torch.randint(0, 10, (n,), generator=generator)
    else:
        y = torch.randn(n, 1, generator=generator)
    return X.to(device), y.to(device)


def cases(device: str):
    generator = torch.Generator().manual_seed(2024)
    for seed, (n, batch_size, shape, dtype, targets) in enumerate(_sizes()):
        X, y = _data(n, shape, dtype, targets, device, generator)
        for shuffle in (False, True):
            yield (f"make_loader(X, y, batch_size={batch_size}, shuffle={shuffle}) with {n} samples of shape "
                   f"{shape}, {dtype}, {targets}, {device}",
                   {"X": X, "y": y, "batch_size": batch_size, "shuffle": shuffle, "seed": seed, "epochs": EPOCHS})


def _judge(inputs: dict, outputs: dict) -> None:
    X, y, batch_size = inputs["X"], inputs["y"], inputs["batch_size"]
    kind = outputs.get("type")
    expect_loader_kind(outputs.get("is_dataloader"), kind if type(kind) is str else "object")
    expect_length(outputs.get("len"), len(X), batch_size)
    epochs = outputs.get("epochs")
    if type(epochs) is not list or len(epochs) != EPOCHS:
        raise ValueError("the report of the epochs is malformed")
    rows = row_index(X)
    expect_orders([check_epoch(batches, X, y, batch_size, rows) for batches in epochs], len(X), inputs["shuffle"])


def judge(case: str, inputs: dict, outputs: dict) -> None:
    try:
        _judge(inputs, outputs)
    except CheckFailed as failure:
        raise CheckFailed(f"{case}: {failure}") from None


def hidden_tests(make_loader, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first loader that a training loop would trip on."""
    run_in_process("make_loader", (make_loader,), devices)
