"""Hidden tests for ``class LeNet(nn.Module)``: the blitz's LeNet for (N, 1, 32, 32) images.

The visible checks use one batch of four. These send fresh random weights, which the probe
(``autograder.probes.lenet``) loads into the student's layers and this judge into an independent
reference LeNet, and compare the two on batches of several sizes (a batch of one included:
squeezing or flattening away the batch dimension shows there), on every device, and check that the
input is left alone and no parameters other than the five layers' exist. The probe describes the
layers and parameters as data and sends back the logits; every comparison happens here.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from helper.checks.core import expect_tensor
from helper.checks.lenet import (CONVOLUTIONS, LINEARS, expect_forward, expect_layers, expect_logits,
                                 expect_parameter_count_in, tolerance)
from helper.checks.modules import expect_loaded, observed

from . import run_in_process

LESSON = "03_lenet"
ANSWER_CELL = "lenet"
DEFINES = ("LeNet",)
CONTEXT = "import torch\nimport torch.nn.functional as F\nfrom torch import nn"

BATCH_SIZES = (1, 2, 5)
LAYERS = (*CONVOLUTIONS, *LINEARS)


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


def _shapes() -> dict[str, torch.Size]:
    """Each layer's weight shape, from the reference network."""
    reference = ReferenceLeNet()
    return {name: getattr(reference, name).weight.shape for name in LAYERS}


def _weights(generator: torch.Generator, default_scale: bool = False) -> dict[str, torch.Tensor]:
    """Random weights for the five layers, by state_dict name.

    Scaled so that every layer's output stays O(1) and the biases are not zero; with
    ``default_scale``, drawn like PyTorch's own initialisation (uniform in ±1/√fan_in).
    """
    weights = {}
    for name, shape in _shapes().items():
        fan_in = shape[1:].numel()
        if default_scale:
            bound = fan_in ** -0.5
            weights[f"{name}.weight"] = (torch.rand(shape, generator=generator) * 2 - 1) * bound
            weights[f"{name}.bias"] = (torch.rand(shape[0], generator=generator) * 2 - 1) * bound
        else:
            weights[f"{name}.weight"] = torch.randn(shape, generator=generator) * (2.0 / fan_in) ** 0.5
            weights[f"{name}.bias"] = torch.randn(shape[0], generator=generator) * 0.1
    return weights


def cases(device: str):
    """Per device: two sets of random weights on batches of 1, 2 and 5, then padded digit-like images.

    Each case sends the layer names to describe, the weights (CPU float32, as a state_dict) that the
    probe loads before moving the model to ``device``, and the batches to run.
    """
    for seed in (21, 22):
        generator = torch.Generator().manual_seed(seed)
        weights = _weights(generator)
        batches = [torch.randn(n, 1, 32, 32, generator=generator) for n in BATCH_SIZES]
        yield (f"LeNet with random weights (seed {seed}) on {device}",
               {"layers": list(LAYERS), "weights": weights, "device": device, "dtype": "float32", "seed": seed,
                "batches": [x.to(device) for x in batches]})
    # Real-looking input: a padded MNIST-like image, values in [0, 1] with a zero border.
    digits = F.pad(torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(23)), (2, 2, 2, 2))
    yield (f"LeNet on padded digits on {device}",
           {"layers": list(LAYERS), "weights": _weights(torch.Generator().manual_seed(24), default_scale=True),
            "device": device, "dtype": "float32", "seed": None, "batches": [digits.to(device)]})


def judge(case: str, inputs: dict, outputs: dict) -> None:
    expect_layers(outputs)
    expect_parameter_count_in(outputs)
    observations = expect_loaded(outputs, inputs["weights"])
    reference = ReferenceLeNet()
    reference.load_state_dict(inputs["weights"])
    reference = reference.to(inputs["device"])
    device, seed = inputs["device"], inputs["seed"]
    for index, x in enumerate(inputs["batches"]):
        logits = expect_forward(observed(observations, index, "LeNet.forward"), x)
        if seed is None:
            expect_logits(logits, reference, x, f"model(x) for padded digits on {device}")
            continue
        what = f"model(x) for x of shape {tuple(x.shape)}, seed {seed}, on {device}"
        expect_logits(logits, reference, x, what)  # names average pooling, a missing ReLU... when it fits
        with torch.no_grad():
            expect_tensor(logits, reference(x), what, **tolerance(torch.float32))


def hidden_tests(LeNet, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first case where ``LeNet`` is wrong."""
    run_in_process("lenet", (LeNet,), devices)
