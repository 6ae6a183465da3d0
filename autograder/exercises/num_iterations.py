"""Hidden tests for ``num_iterations(n_samples, batch_size, epochs)``: counting optimizer steps.

The visible checks use four fixed cases. These use hundreds of fresh random ones (large and small
data sets, exact multiples, a batch larger than the data, batch size 1, zero epochs), so an answer
that rounds down, forgets the epochs, adds one batch too many, returns a float or hard-codes the
visible answers loses the points. The count has nothing to do with a device, so every device gets
the same cases (``devices`` only keeps the contract).
"""

from __future__ import annotations

import random

from helper.checks.num_iterations import expect_count

from ..wire import Returned
from . import run_in_process

LESSON = "08_minibatches"
ANSWER_CELL = "num_iterations"
DEFINES = ("num_iterations",)
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

EDGE_CASES = [
    (60_000, 64, 1), (60_000, 64, 3), (60_000, 100, 7),  # MNIST-sized, with and without a remainder
    (1, 1, 1), (1, 64, 5), (63, 64, 2), (64, 64, 2), (65, 64, 2),  # around one batch
    (10, 1, 3), (12_345, 1, 1),  # batch size 1: one step per sample
    (50, 100, 4), (7, 1000, 1),  # batch larger than the data: one (partial) batch per epoch
    (10_000, 256, 0), (999, 7, 0),  # zero epochs: no steps at all
    (2**40 + 1, 2**20, 3),  # exact integer arithmetic
]


def _random_cases(seed: int = 808):
    rng = random.Random(seed)
    for _ in range(150):
        batch_size = rng.choice([1, 2, 3, 8, 16, 32, 64, 100, 128, 256, 512, 1000, rng.randint(1, 5000)])
        kind = rng.random()
        if kind < 0.25:  # an exact multiple
            n_samples = batch_size * rng.randint(1, 500)
        elif kind < 0.35:  # fewer samples than one batch
            n_samples = rng.randint(1, batch_size)
        else:
            n_samples = rng.randint(1, 200_000)
        yield n_samples, batch_size, rng.choice([0, 1, 1, 2, 3, 5, 10, rng.randint(0, 100)])


def cases(device: str):
    for n_samples, batch_size, epochs in [*EDGE_CASES, *_random_cases()]:
        yield (f"num_iterations({n_samples}, {batch_size}, {epochs})",
               {"n_samples": n_samples, "batch_size": batch_size, "epochs": epochs})


def _words(value) -> str | None:
    """A description the probe sent for the message, if it is one: plain text, one short line."""
    if type(value) is not str:
        return None
    return " ".join(value.split())[:80] or None


def judge(case: str, inputs: dict, outputs: dict) -> None:
    result, shown, kind = outputs["result"], None, None
    if isinstance(result, Returned):  # not data (a numpy float...): the probe's words say what it was
        shown = _words(outputs.get("shown")) or f"<{result.type_name}>"
        kind = _words(outputs.get("kind")) or result.type_name
    expect_count(result, inputs["n_samples"], inputs["batch_size"], inputs["epochs"], shown=shown, kind=kind)


def hidden_tests(num_iterations, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first case where the count is wrong or not an int."""
    run_in_process("num_iterations", (num_iterations,), devices)
