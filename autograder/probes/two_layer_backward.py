"""Probe for ``two_layer_backward(X, y, W1, W2)``: the returned (dW1, dW2), whether autograd ran, and
whether an input was written to (see :mod:`helper.checks.two_layer_backward` for how autograd is kept out)."""

from __future__ import annotations

import torch
from torch.autograd.graph import saved_tensors_hooks

from helper.checks.core import CheckFailed, call
from helper.checks.two_layer_backward import AUTOGRAD_ERRORS


def probe(defined: tuple, inputs: dict) -> dict:
    (two_layer_backward,) = defined
    tensors = [inputs[key] for key in ("X", "y", "W1", "W2")]
    before = [(t, t._version, t.detach().clone(), t.requires_grad) for t in tensors]
    recorded = []

    def pack(tensor):  # runs only when an operation saves a tensor for backward: a graph is being built
        recorded.append(True)
        return tensor

    result = None
    try:
        with torch.no_grad(), saved_tensors_hooks(pack, lambda tensor: tensor):
            result = call(two_layer_backward, *tensors, name="two_layer_backward")
    except CheckFailed as failure:
        cause = failure.__cause__
        if not (recorded or (isinstance(cause, RuntimeError) and AUTOGRAD_ERRORS.search(str(cause)))):
            raise
        recorded.append(True)  # it failed because it reached for autograd: say that, not "it crashed"
    autograd = bool(recorded) or any(t.requires_grad != flag for t, _, _, flag in before)
    changed = any(t._version != version or not torch.equal(t, original) for t, version, original, _ in before)
    return {"result": result, "autograd": autograd, "input_changed": changed}
