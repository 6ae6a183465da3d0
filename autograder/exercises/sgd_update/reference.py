"""The reference (grader only): the same parameters trained with ``torch.optim.SGD``, step by step.

Per step: each parameter's gradient (None where it has none), its value after ``SGD.step()`` (the
right answer) and after a step uphill, ``p + lr · grad`` (the known mistake of adding the gradient).
"""

from __future__ import annotations

import torch
from torch import nn

from .probe import backward, build_model


def expected(inputs: dict) -> dict:
    spec = inputs["model"]
    if spec["kind"] == "parameters":
        model, parameters = None, [nn.Parameter(value.clone()) for value in spec["state"].values()]
        for parameter, grad in zip(parameters, inputs["grads"]):
            parameter.grad = None if grad is None else grad.clone()
    else:
        model = build_model(spec)
        parameters = list(model.parameters())
    optimizer = torch.optim.SGD(parameters, lr=inputs["lrs"][0])
    steps = []
    for lr in inputs["lrs"]:
        if model is not None:
            backward(model, inputs["x"])
        before = [p.detach().clone() for p in parameters]
        grads = [p.grad.detach().clone() if p.grad is not None else None for p in parameters]
        optimizer.param_groups[0]["lr"] = lr
        optimizer.step()
        steps.append({"params": [p.detach().clone() for p in parameters], "grads": grads,
                      "uphill": [b + lr * g if g is not None else b for b, g in zip(before, grads)]})
    return {"steps": steps}
