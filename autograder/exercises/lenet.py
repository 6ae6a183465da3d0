"""Hidden tests for ``class LeNet(nn.Module)``: the blitz's LeNet for (N, 1, 32, 32) images.

The visible checks use one batch of four. These put fresh random weights into the student's layers
and into an independent reference LeNet, and compare the two on batches of several sizes (a batch
of one included: squeezing or flattening away the batch dimension shows there), on every device,
and check that the input is left alone and no parameters other than the five layers' exist.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from helper.checks.core import expect_tensor
from helper.checks.lenet import (CONVOLUTIONS, LINEARS, build, expect_logits, expect_parameter_count,
                                 forward, tolerance)

from . import available_devices

LESSON = "03_lenet"
ANSWER_CELL = "lenet"
DEFINES = ("LeNet",)
CONTEXT = "import torch\nimport torch.nn.functional as F\nfrom torch import nn"

BATCH_SIZES = (1, 2, 5)


class ReferenceLeNet(nn.Module):
    """The network the exercise asks for, written once more with modules, independently of the checks."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.pool = nn.MaxPool2d(2, 2)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        x = nn.Flatten()(x)
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))


def _randomise(student: nn.Module, reference: nn.Module, generator: torch.Generator) -> None:
    """The same fresh random weights in both models, scaled so that every layer's output stays O(1)."""
    with torch.no_grad():
        for name in (*CONVOLUTIONS, *LINEARS):
            shape = getattr(reference, name).weight.shape
            fan_in = shape[1:].numel()
            weight = torch.randn(shape, generator=generator) * (2.0 / fan_in) ** 0.5
            bias = torch.randn(shape[0], generator=generator) * 0.1
            for model in (student, reference):
                getattr(model, name).weight.copy_(weight)
                getattr(model, name).bias.copy_(bias)


def hidden_tests(LeNet, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first case where ``LeNet`` is wrong."""
    for device in devices or available_devices():
        for seed in (21, 22):
            generator = torch.Generator().manual_seed(seed)
            model = build(LeNet)
            expect_parameter_count(model)
            reference = ReferenceLeNet()
            _randomise(model, reference, generator)
            model, reference = model.to(device), reference.to(device)
            for n in BATCH_SIZES:
                x = torch.randn(n, 1, 32, 32, generator=generator).to(device)
                what = f"model(x) for x of shape {tuple(x.shape)}, seed {seed}, on {device}"
                logits = forward(model, x)
                expect_logits(logits, model, x, what)  # names average pooling, a missing ReLU... when it fits
                with torch.no_grad():
                    expect_tensor(logits, reference(x), what, **tolerance(torch.float32))

        # Real-looking input: a padded MNIST-like image, values in [0, 1] with a zero border.
        model = build(LeNet).to(device)
        digits = F.pad(torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(23)), (2, 2, 2, 2))
        digits = digits.to(device)
        expect_logits(forward(model, digits), model, digits, f"model(x) for padded digits on {device}")
