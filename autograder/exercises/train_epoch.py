"""Hidden tests for ``train_epoch(model, loader, criterion, optimizer, device)``.

The visible checks run one tiny, fixed epoch with SGD. These run random ones: data sets of random
size whose last batch is smaller (and harder, so its loss stands out), models of random width with a
BatchNorm layer, plain SGD, SGD with momentum and Adam, a criterion with label smoothing, float32 and
float64, on every device. Each case is a spec of plain data that the probe turns into the model (in
eval mode), a watched loader, the criterion and the optimizer (``helper.checks.train_epoch``), and
that the judge replays as a reference epoch. The verdict rests on numbers the judge recomputes: the
parameters and BatchNorm statistics after the epoch (a missing ``model.train()`` normalizes with the
running statistics and leaves them alone, a missing ``zero_grad`` or a ``step`` before ``backward``
or a loss of its own instead of the ``criterion`` given ends elsewhere, and so do inputs that were
never moved: the loader holds them negated until ``.to(device)``), and the result, a float equal to
the per-sample mean loss (not the last batch's loss, not the plain mean of the batch losses, not a
number copied from the visible check). What the spy saw (mode, autograd, batches moved) only names
the mistake first.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from helper.checks.core import CheckFailed
from helper.checks.train_epoch import (OPTIMIZERS, expect_float, expect_mean_loss, expect_parameters,
                                       expect_tensors, expect_train_calls, make_optimizer, not_moved_message, one_epoch,
                                       random_spec_weights, reported_calls, spec_model)
from helper.i18n import message

from . import run_in_process

LESSON = "06_training_loop"
ANSWER_CELL = "train_epoch"
DEFINES = ("train_epoch",)
CONTEXT = "import torch\nfrom torch import nn"

STATISTICS = ("running_mean", "running_var", "num_batches_tracked")


def _randint(low: int, high: int, generator: torch.Generator) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=generator))


def cases(device: str, seed: int = 606):
    generator = torch.Generator().manual_seed(seed)
    for index, optimizer in enumerate(OPTIMIZERS):
        for dtype in ("float32", "float64") if index == 0 else ("float32",):
            batch_size = _randint(3, 7, generator)
            # Every batch has 2 samples or more: BatchNorm cannot train on a batch of one.
            n = batch_size * _randint(2, 4, generator) + _randint(2, batch_size - 1, generator)
            n_in, n_hidden, n_out = _randint(3, 9, generator), _randint(4, 12, generator), _randint(2, 6, generator)
            inputs = torch.randn(n, n_in, generator=generator, dtype=getattr(torch, dtype))
            inputs[-(n % batch_size):] *= 3  # the smaller last batch: a loss unlike the others
            labels = torch.randint(0, n_out, (n,), generator=generator)
            weights, buffers = random_spec_weights(n_in, n_hidden, n_out, generator, getattr(torch, dtype))
            smoothing = 0.1 if index == 1 else 0.0
            yield (f"{n} samples in batches of {batch_size}, model {n_in}→{n_hidden}→{n_out} with BatchNorm, "
                   f"{optimizer}, torch.{dtype}, label_smoothing={smoothing}, {device}",
                   {"device": device, "dtype": dtype, "optimizer": optimizer, "label_smoothing": smoothing,
                    "batch_size": batch_size, "inputs": inputs, "labels": labels,
                    "weights": weights, "buffers": buffers})


@dataclass
class Epoch:
    parameters: list[torch.Tensor]
    statistics: list[torch.Tensor]
    losses: list[float]
    sizes: list[int]


def reference_epoch(spec: dict, *, train: bool = True, zero_grad: bool = True, step_first: bool = False,
                    own_loss: bool = False, moved: bool = True) -> Epoch:
    """One epoch of the spec's model, done right or with one of the usual mistakes."""
    device = torch.device(spec["device"])
    model = spec_model(spec, "reference")
    model.train(train)
    optimizer = make_optimizer(spec["optimizer"], list(model.parameters()))
    criterion = nn.CrossEntropyLoss(label_smoothing=0.0 if own_loss else spec["label_smoothing"])
    inputs, labels, batch_size = spec["inputs"], spec["labels"], spec["batch_size"]
    batches = ((inputs[start:start + batch_size], labels[start:start + batch_size])
               for start in range(0, len(labels), batch_size))
    losses, sizes = one_epoch(model, optimizer, criterion, batches, device, zero_grad=zero_grad,
                              step_first=step_first, negated=not moved)
    return Epoch([p.detach() for p in model.parameters()], [b.detach() for b in model.buffers()], losses, sizes)


def _mistakes(spec: dict, n_batches: int):
    """The parameters of the usual wrong epochs, each with the message that names the mistake."""
    yield [p.detach() for p in spec_model(spec, "initial").parameters()], message("train_epoch_unchanged")
    yield reference_epoch(spec, train=False).parameters, message("train_epoch_eval_mode", count=n_batches,
                                                                 total=n_batches)
    yield reference_epoch(spec, zero_grad=False).parameters, message("train_epoch_accumulated")
    yield reference_epoch(spec, step_first=True).parameters, message("train_epoch_step_first")
    if spec["label_smoothing"]:
        yield reference_epoch(spec, own_loss=True).parameters, message("train_epoch_own_loss")
    yield reference_epoch(spec, moved=False).parameters, not_moved_message("train_epoch")


def _expect_statistics(actual: list[torch.Tensor], expected: list[torch.Tensor]) -> None:
    for name, a, e in zip(STATISTICS, actual, expected):
        same = torch.allclose(a, e, rtol=1e-4, atol=1e-5) if e.is_floating_point() else torch.equal(a, e)
        if not same:
            wrong = (~torch.isclose(a, e, rtol=1e-4, atol=1e-5)) if e.is_floating_point() else a != e
            where = tuple(int(i) for i in wrong.nonzero()[0]) if wrong.dim() else ()
            raise CheckFailed(message("train_epoch_buffers_off", what=name, where=where,
                                      actual=f"{a[where].item():.6g}", expected=f"{e[where].item():.6g}"))


def _judge(inputs: dict, outputs: dict) -> None:
    reference = reference_epoch(inputs)
    n_batches = len(reference.sizes)
    expect_train_calls(reported_calls(outputs.get("calls")), n_batches)
    result = outputs.get("result")
    expect_float(result, "train_epoch_not_float")
    parameters = expect_tensors(outputs.get("parameters"), reference.parameters, message("train_epoch_parameters"))
    expect_parameters(parameters, reference.parameters, _mistakes(inputs, n_batches))
    statistics = expect_tensors(outputs.get("buffers"), reference.statistics, message("train_epoch_statistics"))
    _expect_statistics(statistics, reference.statistics)
    expect_mean_loss(result, reference.losses, reference.sizes)


def judge(case: str, inputs: dict, outputs: dict) -> None:
    try:
        _judge(inputs, outputs)
    except CheckFailed as failure:
        raise CheckFailed(f"{case}: {failure}") from None


def hidden_tests(train_epoch, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first epoch where ``train_epoch`` is wrong."""
    run_in_process("train_epoch", (train_epoch,), devices)
