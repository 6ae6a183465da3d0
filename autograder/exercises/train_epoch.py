"""Hidden tests for ``train_epoch(model, loader, criterion, optimizer, device)``.

The visible checks run one tiny, fixed epoch with SGD. These run random ones: data sets of random
size whose last batch is smaller (and harder, so its loss stands out), models of random width,
plain SGD, SGD with momentum and Adam, a criterion with label smoothing (so a loop that ignores the
``criterion`` it is given and calls its own loss is found out), float32 and float64, on every
device. Each epoch is watched by :func:`helper.checks.train_epoch.run_train_epoch`: the model starts
in eval mode and must be switched to train mode, every batch must be moved to ``device``, and the
parameters afterwards must equal a reference epoch's from the same start (which catches a missing
``zero_grad`` and ``step`` before ``backward``); the result must be a float equal to the per-sample
mean loss (not the last batch's loss, not the plain mean of the batch losses, not a number copied
from the visible check).
"""

from __future__ import annotations

import torch

from helper.checks.train_epoch import TrainCase, run_train_epoch, spy_model

from . import available_devices

LESSON = "06_training_loop"
ANSWER_CELL = "train_epoch"
DEFINES = ("train_epoch",)
CONTEXT = "import torch\nfrom torch import nn"

OPTIMIZERS = {
    "SGD(lr=0.3)": lambda params: torch.optim.SGD(params, lr=0.3),
    "SGD(lr=0.1, momentum=0.9)": lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9),
    "Adam(lr=0.05)": lambda params: torch.optim.Adam(params, lr=0.05),
}


def _randint(low: int, high: int, generator: torch.Generator) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=generator))


def _cases(device: str, seed: int = 606):
    generator = torch.Generator().manual_seed(seed)
    for index, (name, make_optimizer) in enumerate(OPTIMIZERS.items()):
        for dtype in (torch.float32, torch.float64) if index == 0 else (torch.float32,):
            batch_size = _randint(3, 7, generator)
            n = batch_size * _randint(2, 4, generator) + _randint(1, batch_size - 1, generator)
            n_in, n_hidden, n_out = _randint(3, 9, generator), _randint(4, 12, generator), _randint(2, 6, generator)
            inputs = torch.randn(n, n_in, generator=generator, dtype=dtype)
            inputs[-(n % batch_size):] *= 3  # the smaller last batch: a loss unlike the others
            labels = torch.randint(0, n_out, (n,), generator=generator)
            model = spy_model(n_in, n_hidden, n_out, device, "train_epoch", generator, dtype=dtype)
            smoothing = 0.1 if index == 1 else 0.0
            yield TrainCase(model, inputs, labels, batch_size, make_optimizer, torch.device(device),
                            label_smoothing=smoothing,
                            description=f"{n} samples in batches of {batch_size}, model {n_in}→{n_hidden}→{n_out}, "
                                        f"{name}, {dtype}, label_smoothing={smoothing}, {device}")


def hidden_tests(train_epoch, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first epoch where ``train_epoch`` is wrong."""
    for device in devices or available_devices():
        for case in _cases(device):
            try:
                run_train_epoch(train_epoch, case)
            except AssertionError as failure:
                raise type(failure)(f"{case.description}: {failure}") from None
