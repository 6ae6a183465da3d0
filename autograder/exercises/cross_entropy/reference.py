"""The reference (grader only): torch's own cross-entropy and its gradient, which the student may not call,
and what the known mistakes give on the same input."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def expected(inputs: dict) -> dict:
    logits, targets = inputs["logits"].detach(), inputs["targets"]
    leaf = logits.clone().requires_grad_(True)
    with torch.enable_grad():
        loss = F.cross_entropy(leaf, targets)
        (grad,) = torch.autograd.grad(loss, leaf)
    loss = loss.detach()
    finfo = torch.finfo(logits.dtype)
    per_example = F.cross_entropy(logits, targets, reduction="none")
    largest = logits.abs().max().item() if logits.numel() else 0.0
    return {
        "loss": loss, "grad": grad,
        "largest": largest,
        # exp() of the largest logit overflows in this dtype: a log-softmax without the max shift is inf or nan
        "overflows": largest > math.log(finfo.max),
        # the true class's probability underflows (to 0, or below the normal floats): log(softmax) is wrong
        "underflows": bool((per_example > -math.log(finfo.tiny)).any()),
        "mistakes": {"sum": loss * len(targets), "sign": -loss},
    }
