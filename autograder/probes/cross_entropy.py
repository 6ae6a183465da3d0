"""Probe for ``cross_entropy(logits, targets)``: the loss on plain logits, then on logits that require
grad with autograd's gradient of that loss, the operators each call ran and whether an input was written to."""

from __future__ import annotations

import torch

from helper.checks.core import call, operator_log


def _run(cross_entropy, logits: torch.Tensor, targets: torch.Tensor) -> dict:
    """One call: what it returned, the operators it ran, and whether it wrote into ``logits`` or ``targets``."""
    before = [(t, t._version, t.detach().clone()) for t in (logits, targets)]
    with operator_log() as log:
        loss = call(cross_entropy, logits, targets, name="cross_entropy")
    changed = any(t._version != version or not torch.equal(t, original) for t, version, original in before)
    return {"loss": loss, "operators": sorted(log.names), "input_changed": changed}


def probe(defined: tuple, inputs: dict) -> dict:
    (cross_entropy,) = defined
    logits, targets = inputs["logits"], inputs["targets"]
    # A plain tensor first (an in-place edit of it shows as such), then a leaf that requires grad.
    plain = _run(cross_entropy, logits, targets)
    leaf = logits.detach().clone().requires_grad_(True)
    graded = _run(cross_entropy, leaf, targets)
    loss, grad, requires_grad, failure = graded["loss"], None, False, None
    if type(loss) is torch.Tensor and loss.shape == ():
        requires_grad = bool(loss.requires_grad)
        if requires_grad:
            try:  # the backward pass fails when, for one, the answer wrote into a tensor autograd saved
                (grad,) = torch.autograd.grad(loss, leaf, allow_unused=True)
            except Exception as error:
                failure = {"error": type(error).__name__, "detail": str(error)[:300]}
    return {"plain": plain, "with_grad": graded, "loss_requires_grad": requires_grad, "grad": grad,
            "grad_failed": failure}
