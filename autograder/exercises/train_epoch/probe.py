"""What ``train_epoch`` did with one epoch built from a spec: its result, the weights after, what the spies saw.

The model arrives in eval mode (as after an evaluation); the loader, the model and the criterion are
the watched ones of :mod:`autograder.spies`. Reported: what the answer returned, the parameters and
BatchNorm statistics after the epoch, ``[training, grad_enabled]`` at each forward pass, and how many
batches' losses and outputs (with their autograd graphs) were still alive while later batches ran.
"""

from __future__ import annotations

import torch

from autograder.probing import call
from autograder.verdict import CheckFailed, fail
from autograder.spies import (Retention, make_optimizer, plain_number, spec_criterion, spec_loader, spec_model,
                              spy_calls)


def probe(defined: tuple, inputs: dict) -> dict:
    (train_epoch,) = defined
    retention = Retention()
    model = spec_model(inputs, "train_epoch", retention)
    model.eval()  # a model may arrive in eval mode, e.g. after an evaluation
    parameters, buffers = list(model.parameters()), list(model.buffers())
    optimizer = make_optimizer(inputs["optimizer"], parameters)
    try:
        result = call(train_epoch, model, spec_loader(inputs), spec_criterion(inputs, "train_epoch", retention),
                      optimizer, torch.device(inputs["device"]), name="train_epoch")
    except CheckFailed as failure:
        # backward() on a loss computed under torch.no_grad() raises; the spy saw why.
        without_grad = sum(not grad for _, grad in model[0].calls)
        if failure.message_id == "crashed" and without_grad:
            fail("train_epoch.no_grad", count=without_grad, total=len(model[0].calls))
        raise
    return {"result": plain_number(result), "calls": spy_calls(model),
            "parameters": [p.detach().clone() for p in parameters],
            "buffers": [b.detach().clone() for b in buffers], "kept": retention.report()}
