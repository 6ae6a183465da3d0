"""What the loader ``make_loader(X, y, batch_size, shuffle)`` returned hands out, epoch by epoch.

Reported: the loader's type (by name, and whether it is a DataLoader), ``len(loader)``, and every
batch of ``inputs["epochs"]`` passes over it as they came (tensors travel as tensors, anything else
by its type name). torch's global generator is seeded from the spec for the shuffling, inside a
fork, so that the notebook's own random numbers stay as they were. Nothing here is compared.
"""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader

from autograder.probing import call
from autograder.verdict import CheckFailed


def probe(defined: tuple, inputs: dict) -> dict:
    (make_loader,) = defined
    X, y, batch_size = inputs["X"], inputs["y"], inputs["batch_size"]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(inputs["seed"])
        loader = call(make_loader, X, y, batch_size, inputs["shuffle"], name="make_loader")
        report = {"type": type(loader).__name__, "is_dataloader": isinstance(loader, DataLoader)}
        try:
            report["len"] = call(len, loader, name="len")
            # More batches than samples is wrong already: stop there rather than follow an endless loader.
            report["epochs"] = [take_epoch(loader, limit=len(X) + 1) for _ in range(inputs["epochs"])]
        except CheckFailed:
            if report["is_dataloader"]:
                raise
    return report


def take_epoch(loader, limit: int) -> list:
    """The batches of one pass over ``loader``, at most ``limit`` of them (a loader could go on forever)."""
    iterator = call(iter, loader, name="iter")
    batches, end = [], object()
    while len(batches) < limit:
        batch = call(next, iterator, end, name="next")
        if batch is end:
            break
        batches.append(batch)
    return batches
