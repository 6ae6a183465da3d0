"""Hidden tests for ``sgd_update(parameters, lr)``: plain SGD, checked against ``torch.optim.SGD``.

The visible checks do one step on a fixed example and one small model. These train random models
(an MLP with an unused layer, so some gradients are None, and a small convolutional network) for
several steps with random learning rates, side by side with a copy trained by ``torch.optim.SGD``,
in float32 and float64 on every device, and compare after every step. Each call is watched by
:func:`helper.checks.sgd_update.run_sgd_update`: no optimizer may be created inside, gradients must
be left as they are, parameters without gradient untouched, autograd left on, None returned.
"""

from __future__ import annotations

import copy

import torch
import torch.nn.functional as F
from torch import nn

from helper.checks.sgd_update import expect_parameters, run_sgd_update

from . import available_devices

LESSON = "03_lenet"
ANSWER_CELL = "sgd_update"
DEFINES = ("sgd_update",)
CONTEXT = "import torch\nimport torch.nn.functional as F\nfrom torch import nn"

STEPS = 3
DTYPES = [torch.float32, torch.float64]


class _MLP(nn.Module):
    """A small MLP with a layer that forward never uses: its parameters keep .grad = None."""

    def __init__(self, sizes: tuple[int, int, int]):
        super().__init__()
        self.fc1 = nn.Linear(sizes[0], sizes[1])
        self.unused = nn.Linear(sizes[1], sizes[1])
        self.fc2 = nn.Linear(sizes[1], sizes[2])

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class _ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)
        self.fc = nn.Linear(3 * 6 * 6, 4)

    def forward(self, x):
        return self.fc(torch.flatten(F.relu(self.conv(x)), 1))


def _cases(generator: torch.Generator):
    """(name, model, input) for the models trained in the tests."""
    sizes = tuple(int(s) for s in torch.randint(2, 9, (3,), generator=generator))
    yield f"an MLP {sizes} with an unused layer", _MLP(sizes), torch.randn(5, sizes[0], generator=generator)
    yield "a small convolutional network", _ConvNet(), torch.randn(4, 1, 8, 8, generator=generator)


def hidden_tests(sgd_update, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first step where ``sgd_update`` is wrong."""
    for device in devices or available_devices():
        for dtype in DTYPES:
            generator = torch.Generator().manual_seed(31)
            torch.manual_seed(31)  # the models' default initialisation
            for name, model, x in _cases(generator):
                model = model.to(device=device, dtype=dtype)
                twin = copy.deepcopy(model)
                x = x.to(device=device, dtype=dtype)
                optimizer = None
                for step in range(STEPS):
                    lr = float(torch.empty(1).uniform_(0.001, 1.0, generator=generator))
                    for m in (model, twin):
                        m.zero_grad()
                        m(x).pow(2).mean().backward()
                    before = [p.detach().clone() for p in model.parameters()]
                    grads = [p.grad.clone() if p.grad is not None else None for p in model.parameters()]
                    run_sgd_update(sgd_update, list(model.parameters()), lr, as_generator=step % 2 == 0)
                    if optimizer is None:
                        optimizer = torch.optim.SGD(twin.parameters(), lr=lr)
                    optimizer.param_groups[0]["lr"] = lr
                    optimizer.step()
                    try:
                        expect_parameters(list(model.parameters()), before, grads, lr,
                                          expected=[p.detach() for p in twin.parameters()])
                    except AssertionError as failure:
                        raise type(failure)(f"{name}, {dtype}, {device}, step {step + 1}, lr = {lr:.4g}: "
                                            f"{failure}") from None
