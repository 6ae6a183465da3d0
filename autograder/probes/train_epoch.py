"""Probe for ``train_epoch(model, loader, criterion, optimizer, device)``: one epoch built from the judge's spec.

The model (arriving in eval mode), the watched loader, the criterion and the optimizer come from the
public builders in ``helper.checks.train_epoch``. Reported: what the answer returned, the parameters
and BatchNorm statistics after the epoch, and what the spy saw at each forward pass.
"""

from __future__ import annotations

import torch

from helper.checks.core import call
from helper.checks.train_epoch import make_optimizer, plain_number, spec_criterion, spec_loader, spec_model, spy_calls


def probe(defined: tuple, inputs: dict) -> dict:
    (train_epoch,) = defined
    model = spec_model(inputs, "train_epoch")
    model.eval()  # a model may arrive in eval mode, e.g. after an evaluation
    spy, parameters, buffers = model[0], list(model.parameters()), list(model.buffers())
    optimizer = make_optimizer(inputs["optimizer"], parameters)
    result = call(train_epoch, model, spec_loader(inputs), spec_criterion(inputs, "train_epoch"), optimizer,
                  torch.device(inputs["device"]), name="train_epoch")
    return {"result": plain_number(result), "calls": spy_calls(spy),
            "parameters": [p.detach().clone() for p in parameters],
            "buffers": [b.detach().clone() for b in buffers]}
