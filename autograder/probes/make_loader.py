"""Probe for ``make_loader(X, y, batch_size, shuffle)``: what the loader it returns hands out, epoch by epoch.

Reported: the loader's type (by name, and whether it is a DataLoader), ``len(loader)`` and every
batch of ``inputs["epochs"]`` passes over it, as they came (tensors travel as tensors, anything else
by its type name). torch's global generator is seeded from the spec for the shuffling, inside a fork
so that a notebook's own random numbers stay as they were.
"""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader

from helper.checks.core import CheckFailed, call
from helper.checks.make_loader import take_epoch


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
