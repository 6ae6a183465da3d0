"""Hidden tests for ``evaluate(model, loader, device)``: accuracy over every sample of a loader.

The visible checks use one fixed data set whose accuracy is 0.5. These draw random models (with
Dropout, handed over in train mode), random batch sizes and random numbers of right predictions per
batch, in float32 and float64, on every device, and run each through
:func:`helper.checks.evaluate.run_evaluate`: eval mode and no autograd during every forward pass,
every batch moved to ``device``, the parameters left alone, and a Python float equal to the
fraction of right predictions over all samples (not the last batch's accuracy, not the plain mean of
the batch accuracies, not a percentage, not the number from the visible check).
"""

from __future__ import annotations

import torch

from helper.checks.evaluate import make_case, run_evaluate

from . import available_devices

LESSON = "06_training_loop"
ANSWER_CELL = "evaluate"
DEFINES = ("evaluate",)
CONTEXT = "import torch\nfrom torch import nn"

N_CASES = 4


def _randint(low: int, high: int, generator: torch.Generator) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=generator))


def _counts(generator: torch.Generator):
    """Batch size, last batch size and right predictions per batch, with the usual wrong answers distinct."""
    while True:
        batch_size = _randint(3, 8, generator)
        n_batches = _randint(2, 4, generator)
        last = _randint(1, batch_size - 1, generator)
        sizes = [batch_size] * (n_batches - 1) + [last]
        correct = [_randint(0, size, generator) for size in sizes]
        total = sum(correct) / sum(sizes)
        unweighted = sum(c / s for c, s in zip(correct, sizes)) / len(sizes)
        if min(abs(total - correct[-1] / last), abs(total - unweighted), abs(total - 0.5)) > 0.01:
            return batch_size, last, correct


def hidden_tests(evaluate, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first data set where ``evaluate`` is wrong."""
    for device in devices or available_devices():
        generator = torch.Generator().manual_seed(607)
        for index in range(N_CASES):
            dtype = torch.float64 if index == N_CASES - 1 else torch.float32
            batch_size, last, correct = _counts(generator)
            n_in, n_hidden, n_out = _randint(3, 9, generator), _randint(4, 12, generator), _randint(2, 7, generator)
            model, inputs, labels = make_case(device, generator, n_in, n_hidden, n_out, correct, batch_size,
                                              last, dtype=dtype)
            try:
                run_evaluate(evaluate, model, inputs, labels, batch_size, device)
            except AssertionError as failure:
                raise type(failure)(f"{len(labels)} samples in batches of {batch_size}, model "
                                    f"{n_in}→{n_hidden}→{n_out}, {dtype}, {device}: {failure}") from None
