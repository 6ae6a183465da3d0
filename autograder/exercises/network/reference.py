"""The reference (grader only): the network the exercise asks for, and the known mistakes, from the case's weights."""

from __future__ import annotations

import torch
import torch.nn.functional as F

VARIANTS = {  # key: (activation after fc1, activation after fc2, what follows fc3)
    "right": ("relu", "relu", None),
    "sigmoid": ("sigmoid", "sigmoid", None),
    "softmax": ("relu", "relu", "softmax"),
    "log_softmax": ("relu", "relu", "log_softmax"),
    "relu_on_output": ("relu", "relu", "relu"),
    "no_activation": (None, None, None),
    "no_relu_after_fc2": ("relu", None, None),
    "no_relu_after_fc1": (None, "relu", None),
}
ACTIVATIONS = {"relu": F.relu, "sigmoid": torch.sigmoid, "softmax": lambda t: torch.softmax(t, dim=1),
               "log_softmax": lambda t: torch.log_softmax(t, dim=1), None: lambda t: t}
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def expected(inputs: dict) -> dict:
    """Per batch, the right logits and those of each known mistake."""
    dtype = DTYPES[inputs["dtype"]]
    w = {key: value.to(device=inputs["device"], dtype=dtype) for key, value in inputs["weights"].items()}
    batches = []
    for x in inputs["batches"]:
        logits = {key: forward(w, x, *variant) for key, variant in VARIANTS.items()}
        right = logits.pop("right")
        batches.append({"right": right, "mistakes": logits})
    return {"batches": batches}


def forward(w: dict, x: torch.Tensor, first, second, last) -> torch.Tensor:
    with torch.no_grad():
        h = ACTIVATIONS[first](F.linear(x.reshape(len(x), 784), w["fc1.weight"], w["fc1.bias"]))
        h = ACTIVATIONS[second](F.linear(h, w["fc2.weight"], w["fc2.bias"]))
        return ACTIVATIONS[last](F.linear(h, w["fc3.weight"], w["fc3.bias"]))
