"""Probe for ``softmax(x)``: the result, whether ``x`` was written to, and the operators it ran."""

from __future__ import annotations

import torch

from helper.checks.core import call, operator_log


def probe(defined: tuple, inputs: dict) -> dict:
    (softmax,) = defined
    x = inputs["x"]
    original, version = x.clone(), x._version
    with operator_log() as log:
        result = call(softmax, x, name="softmax")
    return {"result": result, "operators": sorted(log.names),
            "input_changed": x._version != version or not torch.equal(x, original)}
