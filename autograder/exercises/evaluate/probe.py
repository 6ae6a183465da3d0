"""What ``evaluate`` did with one model and loader built from a spec: its result, the model after, what the spies saw.

The model arrives in training mode (straight from training); the loader and the model are the
watched ones of :mod:`autograder.spies`. Reported: what the answer returned, the parameters and
BatchNorm statistics afterwards, ``[training, grad_enabled]`` at each forward pass, and how many
batches' outputs were still alive while later batches ran.
"""

from __future__ import annotations

import torch

from autograder.probing import call
from autograder.spies import Retention, plain_number, spec_loader, spec_model, spy_calls


def probe(defined: tuple, inputs: dict) -> dict:
    (evaluate,) = defined
    retention = Retention()
    model = spec_model(inputs, "evaluate", retention)
    model.train()  # a model arrives in train mode, straight from training
    parameters, buffers = list(model.parameters()), list(model.buffers())
    result = call(evaluate, model, spec_loader(inputs), torch.device(inputs["device"]), name="evaluate")
    return {"result": plain_number(result), "calls": spy_calls(model),
            "parameters": [p.detach().clone() for p in parameters],
            "buffers": [b.detach().clone() for b in buffers], "kept": retention.report()}
