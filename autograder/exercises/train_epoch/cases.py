"""The epochs ``train_epoch`` is run on: two public ones the student sees, and hidden ones where bugs hide.

Each case is a spec of plain data (``autograder.spies``): a model with BatchNorm (it arrives in eval
mode, so a missing ``model.train()`` shows in the numbers), its initial weights and running
statistics, the data (the last batch smaller, and harder, so its loss stands out), the optimizer by
name, the criterion's label smoothing, the dtype and the device.

Public: 14 samples in batches of 4, 4, 4 and 2 with SGD, then the same data with SGD and momentum and
a criterion with label smoothing (an answer that computes its own loss ends elsewhere).
Hidden: random sizes with SGD (float32 and float64), SGD with momentum and label smoothing, Adam, and
one long epoch of 25 batches, where an answer that keeps every batch's loss alive (``total += loss``,
a list of loss tensors) holds 25 autograd graphs at once: memory that grows with the number of batches.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.spies import random_spec_weights


def _randint(low: int, high: int, generator: torch.Generator) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=generator))


def spec(generator: torch.Generator, device: str, *, dtype: str, optimizer: str, smoothing: float,
         batch_size: int, n_batches: int, last: int, sizes: tuple[int, int, int]) -> dict:
    """An epoch's spec: ``n_batches`` full batches then one of ``last`` samples, a model ``sizes`` wide."""
    n_in, n_hidden, n_out = sizes
    n = batch_size * n_batches + last
    inputs = torch.randn(n, n_in, generator=generator, dtype=getattr(torch, dtype))
    inputs[-last:] *= 3  # the smaller last batch: a loss unlike the others
    labels = torch.randint(0, n_out, (n,), generator=generator)
    weights, buffers = random_spec_weights(n_in, n_hidden, n_out, generator, getattr(torch, dtype))
    return {"device": device, "dtype": dtype, "optimizer": optimizer, "label_smoothing": smoothing,
            "batch_size": batch_size, "inputs": inputs, "labels": labels, "weights": weights, "buffers": buffers}


def _name(s: dict) -> str:
    n, batch_size = len(s["labels"]), s["batch_size"]
    n_hidden, n_in = s["weights"][0].shape
    return (f"{n} samples in batches of {batch_size}, model {n_in}→{n_hidden}→{s['weights'][-1].shape[0]} with "
            f"BatchNorm, {s['optimizer']}, torch.{s['dtype']}, label_smoothing={s['label_smoothing']}, {s['device']}")


def _described(s: dict, kind: str) -> dict:
    """The title and fields that name a hidden case in the student's language."""
    n_hidden, n_in = s["weights"][0].shape
    return {"title": f"train_epoch.case_{kind}", "fields": {
        "n": len(s["labels"]), "batch_size": s["batch_size"], "n_in": n_in, "n_hidden": n_hidden,
        "n_out": s["weights"][-1].shape[0], "optimizer": s["optimizer"], "dtype": f"torch.{s['dtype']}",
        "smoothing": s["label_smoothing"], "device": s["device"]}}


def cases(device: str, generator: torch.Generator | None):
    example = dict(dtype="float32", batch_size=4, n_batches=3, last=2, sizes=(5, 8, 3))
    yield Case("example", spec(torch.Generator().manual_seed(6), device, optimizer="SGD(lr=0.5)", smoothing=0.0,
                               **example), hidden=False, title="train_epoch.example")
    yield Case("momentum", spec(torch.Generator().manual_seed(6), device, optimizer="SGD(lr=0.2, momentum=0.9)",
                                smoothing=0.1, **example), hidden=False, title="train_epoch.momentum")
    if generator is None:
        return
    for optimizer, dtype, smoothing in [("SGD(lr=0.3)", "float32", 0.0), ("SGD(lr=0.3)", "float64", 0.0),
                                        ("SGD(lr=0.1, momentum=0.9)", "float32", 0.1),
                                        ("Adam(lr=0.05)", "float32", 0.0)]:
        batch_size = _randint(3, 7, generator)
        # Every batch has 2 samples or more: BatchNorm cannot train on a batch of one.
        s = spec(generator, device, dtype=dtype, optimizer=optimizer, smoothing=smoothing, batch_size=batch_size,
                 n_batches=_randint(2, 4, generator), last=_randint(2, batch_size - 1, generator),
                 sizes=(_randint(3, 9, generator), _randint(4, 12, generator), _randint(2, 6, generator)))
        yield Case(_name(s), s, **_described(s, "run"))
    s = spec(generator, device, dtype="float32", optimizer="SGD(lr=0.1)", smoothing=0.0, batch_size=4,
             n_batches=24, last=3, sizes=(_randint(3, 9, generator), _randint(4, 12, generator), _randint(2, 6, generator)))
    yield Case(f"a long epoch: {_name(s)}", s, **_described(s, "long"))
