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
from autograder.verdict import CheckFailed, fail


def probe(defined: tuple, inputs: dict) -> dict:
    (evaluate,) = defined
    retention = Retention()
    model = spec_model(inputs, "evaluate", retention)
    model.train()  # a model arrives in train mode, straight from training
    parameters, buffers = list(model.parameters()), list(model.buffers())
    try:
        result = call(evaluate, model, spec_loader(inputs), torch.device(inputs["device"]), name="evaluate")
    except CheckFailed as failure:
        if compared_a_pair(failure):
            fail("evaluate.compared_pair")
        raise
    return {"result": plain_number(result), "calls": spy_calls(model),
            "parameters": [p.detach().clone() for p in parameters],
            "buffers": [b.detach().clone() for b in buffers], "kept": retention.report()}


def compared_a_pair(failure: CheckFailed) -> bool:
    """The crash of ``(outputs.max(dim=1) == labels).sum()``: a pair compared with a tensor is the bool False."""
    fields = failure.fields
    return (failure.message_id == "crashed" and fields.get("error") == "AttributeError"
            and str(fields.get("detail", "")).startswith("'bool' object has no attribute"))
