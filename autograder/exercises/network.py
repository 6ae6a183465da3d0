"""Hidden tests for ``class Network(nn.Module)``: a 784-128-64-10 network with ReLU, returning logits.

The visible checks run one fixed batch through a freshly built model. These set fresh random
weights (copied into the student's layers and into an independent reference network), use batches
of several sizes in both input shapes, count the parameters, move the model to every device and
convert it to float64, so an answer that only fits the visible batch, carries extra parameters,
hard-codes the batch size, or forces float32 loses the points.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from helper.checks.core import expect_tensor
from helper.checks.network import (LAYERS, build, digit_like_batch, expect_form, expect_logits,
                                   expect_only_the_three_layers, forward, tolerance)

from . import available_devices

LESSON = "02_torch_nn"
ANSWER_CELL = "network"
DEFINES = ("Network",)
CONTEXT = "import torch\nimport torch.nn.functional as F\nfrom torch import nn"

BATCH_SIZES = (1, 3, 17)


class ReferenceNetwork(nn.Module):
    """The network the exercise asks for, written once more, independently of the checks' formula."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        x = x.reshape(x.shape[0], 784)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def _randomise(student: nn.Module, reference: nn.Module, generator: torch.Generator) -> None:
    """The same fresh random weights in both models (larger than the default, biases not zero)."""
    with torch.no_grad():
        for name, (n_in, n_out) in LAYERS.items():
            weight = torch.randn(n_out, n_in, generator=generator) * (2.0 / n_in) ** 0.5
            bias = torch.randn(n_out, generator=generator) * 0.1
            for model in (student, reference):
                layer = getattr(model, name)
                layer.weight.copy_(weight)
                layer.bias.copy_(bias)


def _batches(generator: torch.Generator, dtype=torch.float32):
    for n in BATCH_SIZES:
        images = digit_like_batch(n, generator, dtype=dtype)
        yield f"images of shape {tuple(images.shape)}", images
        flat = torch.randn(n, 784, generator=generator, dtype=dtype)
        yield f"a flat batch of shape {tuple(flat.shape)}", flat


def hidden_tests(Network, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first case where ``Network`` is wrong."""
    for device in devices or available_devices():
        for seed in (11, 12):
            generator = torch.Generator().manual_seed(seed)
            model = build(Network)
            expect_only_the_three_layers(model)
            reference = ReferenceNetwork()
            _randomise(model, reference, generator)
            model, reference = model.to(device), reference.to(device)
            for name, x in _batches(generator):
                x = x.to(device)
                logits = forward(model, x)
                what = f"model(x) for {name}, seed {seed}, on {device}"
                expect_logits(logits, model, x, what)  # names sigmoid, softmax... when it fits
                with torch.no_grad():
                    expect_tensor(logits, reference(x), what, **tolerance(torch.float32))

        # float64: .double() converts every parameter; forward must not force float32 back.
        generator = torch.Generator().manual_seed(13)
        model = build(Network)
        reference = ReferenceNetwork()
        _randomise(model, reference, generator)
        model, reference = model.to(device).double(), reference.to(device).double()
        for name, x in _batches(generator, dtype=torch.float64):
            x = x.to(device)
            what = f"model.double()(x) for float64 {name}, on {device}"
            logits = forward(model, x)
            with torch.no_grad():
                expected = reference(x)
            expect_form(logits, expected, what)
            expect_tensor(logits, expected, what, **tolerance(torch.float64))

