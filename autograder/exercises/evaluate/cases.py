"""The evaluations ``evaluate`` is run on: one public one the student sees, and hidden ones where bugs hide.

Each case is a spec of plain data (``autograder.spies``): a model with BatchNorm and Dropout (it
arrives in training mode, straight from training, so a missing ``model.eval()`` shows in the numbers
and in the BatchNorm statistics), its weights and running statistics, the data and the labels, the
batch size, the dtype and the device. The labels are chosen so that each batch has a set number of
right predictions, the last batch is smaller, and the usual wrong answers (the last batch's accuracy,
the plain mean of the batch accuracies, the accuracy on inputs never moved, the public case's value)
all differ from the right one.

Public: 14 samples in batches of 4, 4, 4 and 2 with 4, 1, 3 and 0 right (the labels are written out,
so the public case needs no model run to be made). Hidden: random models and counts in float32 and
float64, and one long evaluation of 30 batches, where an answer that keeps every batch's outputs
(a list of output tensors) holds them all at once: memory that grows with the number of batches.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.spies import random_spec_weights

PUBLIC_LABELS = [2, 2, 2, 2, 0, 2, 0, 0, 1, 0, 0, 2, 1, 2]
PUBLIC_ACCURACY = 8 / 14
"""The public case's accuracy: a hidden case never has it, so an answer that returns it is told apart."""


def _randint(low: int, high: int, generator: torch.Generator) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=generator))


def public_spec(device: str) -> dict:
    generator = torch.Generator().manual_seed(7)
    weights, buffers = random_spec_weights(5, 8, 3, generator, torch.float32)
    return {"device": device, "dtype": "float32", "dropout": 0.5, "batch_size": 4, "weights": weights,
            "buffers": buffers, "inputs": torch.randn(14, 5, generator=generator),
            "labels": torch.tensor(PUBLIC_LABELS)}


def _counts(generator: torch.Generator, n_batches: tuple[int, int]):
    """Batch size, last batch size and right predictions per batch, with the usual wrong answers distinct."""
    while True:
        batch_size = _randint(3, 8, generator)
        count = _randint(*n_batches, generator)
        last = _randint(2, batch_size - 1, generator)  # 2 or more: a BatchNorm in train mode then runs (and shows)
        sizes = [batch_size] * (count - 1) + [last]
        correct = [_randint(0, size, generator) for size in sizes]
        total = sum(correct) / sum(sizes)
        unweighted = sum(c / s for c, s in zip(correct, sizes)) / len(sizes)
        if min(abs(total - correct[-1] / last), abs(total - unweighted), abs(total - PUBLIC_ACCURACY)) > 0.01:
            return batch_size, last, correct


def _near_ties(logits: torch.Tensor) -> torch.Tensor:
    """The samples whose top class does not lead by enough that no rounding (threads, devices) can change it."""
    top = logits.topk(2, dim=1).values
    return (top[:, 0] - top[:, 1]) <= 1e-3


def _clear_inputs(spec: dict, n: int, n_in: int, generator: torch.Generator, outputs) -> torch.Tensor:
    """``n`` random inputs with no near-tie: the samples that have one are drawn again (the model is in eval
    mode, so each sample's logits depend on it alone). Drawing the whole set again until none had a tie took
    minutes for 240 samples."""
    dtype = getattr(torch, spec["dtype"])
    spec["inputs"] = torch.randn(n, n_in, generator=generator, dtype=dtype)
    for _ in range(1000):
        tied = _near_ties(outputs(spec))
        if not tied.any():
            return spec["inputs"]
        spec["inputs"][tied] = torch.randn(int(tied.sum()), n_in, generator=generator, dtype=dtype)
    raise RuntimeError("no inputs without near-ties after 1000 draws: change the case's sizes")


def hidden_spec(generator: torch.Generator, device: str, dtype: str, n_batches: tuple[int, int]) -> dict:
    from .reference import outputs  # grader only: the labels are chosen from the model's predictions

    batch_size, last, correct = _counts(generator, n_batches)
    n_in, n_hidden, n_out = _randint(3, 9, generator), _randint(4, 12, generator), _randint(2, 7, generator)
    n = batch_size * (len(correct) - 1) + last
    spec = {"device": "cpu", "dtype": dtype, "dropout": 0.5, "batch_size": batch_size}
    # A model and inputs with no near-tie, on which the model fed the never-moved (negated) batches scores
    # otherwise (some models predict the same class for x and -x everywhere: then other weights are drawn).
    for _ in range(1000):
        spec["weights"], spec["buffers"] = random_spec_weights(n_in, n_hidden, n_out, generator, getattr(torch, dtype))
        spec["inputs"] = _clear_inputs(spec, n, n_in, generator, outputs)
        logits = outputs(spec)
        predicted, unmoved = logits.argmax(dim=1), outputs(spec, negated=True).argmax(dim=1)
        wrong = (predicted + torch.randint(1, n_out, (n,), generator=generator)) % n_out
        labels = wrong.clone()
        for batch, k in enumerate(correct):
            start = batch * batch_size
            chosen = start + torch.randperm(min(batch_size, n - start), generator=generator)[:k]
            labels[chosen] = predicted[chosen]
        if abs(float((unmoved == labels).sum()) - sum(correct)) >= 1:
            return {**spec, "device": device, "labels": labels}
    raise RuntimeError("no model that tells a never-moved batch apart after 1000 draws: change the case's sizes")


def _name(spec: dict) -> str:
    n_hidden, n_in = spec["weights"][0].shape
    return (f"{len(spec['labels'])} samples in batches of {spec['batch_size']}, model {n_in}→{n_hidden}→"
            f"{spec['weights'][-1].shape[0]} with BatchNorm and Dropout, torch.{spec['dtype']}, {spec['device']}")


def _described(spec: dict, kind: str) -> dict:
    """The title and fields that name a hidden case in the student's language."""
    n_hidden, n_in = spec["weights"][0].shape
    return {"title": f"evaluate.case_{kind}", "fields": {
        "n": len(spec["labels"]), "batch_size": spec["batch_size"], "n_in": n_in, "n_hidden": n_hidden,
        "n_out": spec["weights"][-1].shape[0], "dtype": f"torch.{spec['dtype']}", "device": spec["device"]}}


def cases(device: str, generator: torch.Generator | None):
    yield Case("example", public_spec(device), hidden=False, title="evaluate.example")
    if generator is None:
        return
    for dtype in ("float32", "float32", "float32", "float64"):
        spec = hidden_spec(generator, device, dtype, (2, 4))
        yield Case(_name(spec), spec, **_described(spec, "run"))
    spec = hidden_spec(generator, device, "float32", (30, 30))
    yield Case(f"a long evaluation: {_name(spec)}", spec, **_described(spec, "long"))
