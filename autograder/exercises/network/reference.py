"""The reference (grader only): the network the exercise asks for, and the known mistakes, from the case's weights."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.judging_models import logits_per_batch

VARIANTS = {  # key: the activation after fc1, after fc2, and what follows fc3
    "right": dict(first="relu", second="relu", last=None),
    "sigmoid": dict(first="sigmoid", second="sigmoid", last=None),
    "softmax": dict(first="relu", second="relu", last="softmax"),
    "log_softmax": dict(first="relu", second="relu", last="log_softmax"),
    "relu_on_output": dict(first="relu", second="relu", last="relu"),
    "no_activation": dict(first=None, second=None, last=None),
    "no_relu_after_fc2": dict(first="relu", second=None, last=None),
    "no_relu_after_fc1": dict(first=None, second="relu", last=None),
}
ACTIVATIONS = {"relu": F.relu, "sigmoid": torch.sigmoid, "softmax": lambda t: torch.softmax(t, dim=1),
               "log_softmax": lambda t: torch.log_softmax(t, dim=1), None: lambda t: t}


def expected(inputs: dict) -> dict:
    """Per batch, the right logits and those of each known mistake."""
    return logits_per_batch(inputs, forward, VARIANTS)


def forward(w: dict, x: torch.Tensor, first, second, last) -> torch.Tensor:
    with torch.no_grad():
        h = ACTIVATIONS[first](F.linear(x.reshape(len(x), 784), w["fc1.weight"], w["fc1.bias"]))
        h = ACTIVATIONS[second](F.linear(h, w["fc2.weight"], w["fc2.bias"]))
        return ACTIVATIONS[last](F.linear(h, w["fc3.weight"], w["fc3.bias"]))
