"""Hidden tests for ``class Network(nn.Module)``: a 784-128-64-10 network with ReLU, returning logits.

The visible checks run one fixed batch through a freshly built model. These send fresh random
weights, which the probe (``autograder.probes.network``) loads into the student's layers and this
judge into an independent reference network, use batches of several sizes in both input shapes,
count the parameters, move the model to every device and convert it to float64, so an answer that
only fits the visible batch, carries extra parameters, hard-codes the batch size, or forces float32
loses the points. The probe describes the layers and parameters as data and sends back the logits;
every comparison happens here.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from helper.checks.core import expect_tensor
from helper.checks.modules import expect_loaded, observed
from helper.checks.network import (LAYERS, digit_like_batch, expect_forward, expect_form, expect_layers,
                                   expect_logits, expect_only_the_three_layers_in, tolerance)

from . import run_in_process

LESSON = "02_torch_nn"
ANSWER_CELL = "network"
DEFINES = ("Network",)
CONTEXT = "import torch\nimport torch.nn.functional as F\nfrom torch import nn"

BATCH_SIZES = (1, 3, 17)
DTYPES = {"float32": torch.float32, "float64": torch.float64}


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


def _weights(generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Fresh random weights for fc1, fc2, fc3 (larger than the default, biases not zero), by state_dict name."""
    weights = {}
    for name, (n_in, n_out) in LAYERS.items():
        weights[f"{name}.weight"] = torch.randn(n_out, n_in, generator=generator) * (2.0 / n_in) ** 0.5
        weights[f"{name}.bias"] = torch.randn(n_out, generator=generator) * 0.1
    return weights


def _batches(generator: torch.Generator, dtype=torch.float32):
    for n in BATCH_SIZES:
        images = digit_like_batch(n, generator, dtype=dtype)
        yield f"images of shape {tuple(images.shape)}", images
        flat = torch.randn(n, 784, generator=generator, dtype=dtype)
        yield f"a flat batch of shape {tuple(flat.shape)}", flat


def _case(device: str, seed: int, dtype: str) -> dict:
    generator = torch.Generator().manual_seed(seed)
    weights = _weights(generator)
    named = list(_batches(generator, DTYPES[dtype]))
    return {"layers": list(LAYERS), "weights": weights, "device": device, "dtype": dtype, "seed": seed,
            "names": [name for name, _ in named], "batches": [x.to(device) for _, x in named]}


def cases(device: str):
    """Per device: two sets of random weights in float32, then one in float64 (after ``model.double()``).

    Each case sends the layer names to describe, the weights (CPU float32, as a state_dict) that the
    probe loads before moving the model to ``device`` (and ``.double()``), and the batches to run.
    """
    for seed in (11, 12):
        yield f"Network with random weights (seed {seed}) on {device}", _case(device, seed, "float32")
    # float64: .double() converts every parameter; forward must not force float32 back.
    yield f"Network.double() with random weights (seed 13) on {device}", _case(device, 13, "float64")


def _reference(inputs: dict) -> nn.Module:
    reference = ReferenceNetwork()
    reference.load_state_dict(inputs["weights"])
    reference = reference.to(inputs["device"])
    return reference.double() if inputs["dtype"] == "float64" else reference


def judge(case: str, inputs: dict, outputs: dict) -> None:
    expect_layers(outputs)
    expect_only_the_three_layers_in(outputs)
    observations = expect_loaded(outputs, inputs["weights"])
    reference = _reference(inputs)
    device, seed, dtype = inputs["device"], inputs["seed"], inputs["dtype"]
    for index, (name, x) in enumerate(zip(inputs["names"], inputs["batches"])):
        logits = expect_forward(observed(observations, index, "Network.forward"), x)
        with torch.no_grad():
            expected = reference(x)
        if dtype == "float64":
            what = f"model.double()(x) for float64 {name}, on {device}"
            expect_form(logits, expected, what)
        else:
            what = f"model(x) for {name}, seed {seed}, on {device}"
            expect_logits(logits, reference, x, what)  # names sigmoid, softmax... when it fits
        expect_tensor(logits, expected, what, **tolerance(DTYPES[dtype]))


def hidden_tests(Network, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first case where ``Network`` is wrong."""
    run_in_process("network", (Network,), devices)
