"""The training runs ``save_checkpoint`` interrupts and ``load_checkpoint`` resumes.

Each case is a spec of plain data: the model's sizes and two sets of weights and BatchNorm buffers
(the run's, and the fresh model's it is loaded into), the data, the optimizer by name, the steps before
and after the checkpoint, and the epoch it is saved after (and the decoy run's, saved to another file).

Public: SGD with momentum (its momentum buffers are what a lost optimizer state loses), then Adam
(two moments and a step count per parameter). Hidden: AdamW with weight decay, Nesterov SGD with weight
decay, RMSprop with momentum and Adam in float64, with epochs from 0 up and random sizes from the course
seed. RMSprop's first steps divide by the root of a tiny running average: in float32 the last bit of a
gradient, which the sandbox and the grader's process may round differently, moved a weight by 1e-4
(a right answer graded 0 on one course seed); in float64 it cannot.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case


def _randint(low: int, high: int, generator: torch.Generator) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=generator))


def _weights(n_in: int, n_hidden: int, n_out: int, generator: torch.Generator, dtype: torch.dtype):
    def randn(*shape):
        return torch.randn(shape, generator=generator, dtype=dtype)

    weights = [randn(n_hidden, n_in) * 0.7, 1 + 0.3 * randn(n_hidden), 0.3 * randn(n_hidden),
               randn(n_out, n_hidden) * 0.7, randn(n_out) * 0.7]
    buffers = [0.5 * randn(n_hidden), 0.5 + torch.rand(n_hidden, generator=generator, dtype=dtype),
               torch.tensor(3, dtype=torch.long)]
    return weights, buffers


def spec(generator: torch.Generator, *, optimizer: str, dtype: str, sizes: tuple[int, int, int], batch_size: int,
         n_batches: int, steps_before: int, steps_after: int, epoch: int) -> dict:
    n_in, n_hidden, n_out = sizes
    torch_dtype = getattr(torch, dtype)
    first_weights, first_buffers = _weights(n_in, n_hidden, n_out, generator, torch_dtype)
    other_weights, other_buffers = _weights(n_in, n_hidden, n_out, generator, torch_dtype)
    n = batch_size * n_batches
    return {"optimizer": optimizer, "dtype": dtype, "batch_size": batch_size,
            "inputs": torch.randn(n, n_in, generator=generator, dtype=torch_dtype),
            "labels": torch.randint(0, n_out, (n,), generator=generator),
            "first_weights": first_weights, "first_buffers": first_buffers,
            "other_weights": other_weights, "other_buffers": other_buffers,
            "steps_before": steps_before, "steps_after": steps_after, "epoch": epoch, "decoy_epoch": epoch + 7}


def _name(s: dict) -> str:
    n_hidden, n_in = s["first_weights"][0].shape
    return (f"{s['optimizer']}, torch.{s['dtype']}, model {n_in}→{n_hidden}→{s['first_weights'][-1].shape[0]} with "
            f"BatchNorm: saved after epoch {s['epoch']} ({s['steps_before']} steps), resumed for {s['steps_after']} steps")


def _described(s: dict) -> dict:
    """The title and fields that name a hidden case in the student's language."""
    n_hidden, n_in = s["first_weights"][0].shape
    return {"title": "checkpoint.case_run", "fields": {
        "optimizer": s["optimizer"], "dtype": f"torch.{s['dtype']}", "n_in": n_in, "n_hidden": n_hidden,
        "n_out": s["first_weights"][-1].shape[0], "epoch": s["epoch"], "before": s["steps_before"],
        "after": s["steps_after"]}}


def cases(device: str, generator: torch.Generator | None):
    example = dict(dtype="float32", sizes=(5, 8, 3), batch_size=4, n_batches=3, steps_before=6, steps_after=4)
    yield Case("momentum", spec(torch.Generator().manual_seed(10), optimizer="SGD(lr=0.1, momentum=0.9)", epoch=2,
                                **example), hidden=False, title="checkpoint.momentum")
    yield Case("adam", spec(torch.Generator().manual_seed(11), optimizer="Adam(lr=0.01)", epoch=5, **example),
               hidden=False, title="checkpoint.adam")
    if generator is None:
        return
    for index, (optimizer, dtype) in enumerate([("AdamW(lr=0.01, weight_decay=0.1)", "float32"),
                             ("SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)", "float32"),
                             ("RMSprop(lr=0.01, momentum=0.5)", "float64"), ("Adam(lr=0.01)", "float64")]):
        s = spec(generator, optimizer=optimizer, dtype=dtype,
                 sizes=(_randint(3, 9, generator), _randint(4, 12, generator), _randint(2, 6, generator)),
                 batch_size=_randint(3, 6, generator), n_batches=_randint(2, 4, generator),
                 steps_before=_randint(2, 8, generator), steps_after=_randint(2, 6, generator),
                 epoch=0 if index == 0 else _randint(1, 30, generator))  # epoch 0: the first one
        yield Case(_name(s), s, **_described(s))
