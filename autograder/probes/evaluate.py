"""Probe for ``evaluate(model, loader, device)``: one evaluation of a model built from the judge's spec.

The model (arriving in train mode, straight from training) and the watched loader come from the
public builders in ``helper.checks.train_epoch``. Reported: what the answer returned, the parameters
and BatchNorm statistics afterwards, and what the spy saw at each forward pass.
"""

from __future__ import annotations

import torch

from helper.checks.core import call
from helper.checks.train_epoch import plain_number, spec_loader, spec_model, spy_calls


def probe(defined: tuple, inputs: dict) -> dict:
    (evaluate,) = defined
    model = spec_model(inputs, "evaluate")
    model.train()
    spy, parameters, buffers = model[0], list(model.parameters()), list(model.buffers())
    result = call(evaluate, model, spec_loader(inputs), torch.device(inputs["device"]), name="evaluate")
    return {"result": plain_number(result), "calls": spy_calls(spy),
            "parameters": [p.detach().clone() for p in parameters],
            "buffers": [b.detach().clone() for b in buffers]}
