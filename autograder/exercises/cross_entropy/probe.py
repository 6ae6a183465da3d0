"""What ``cross_entropy(logits, targets)`` did: its loss on plain logits, then on logits that require
grad and autograd's gradient of that loss; for each call, the operators it ran and whether it wrote
into ``logits`` or ``targets``; and the operations the loss's autograd graph records.

The operator log sees this thread only; the graph records what computed the loss in any thread (a
``threading.Thread`` calling ``F.cross_entropy`` leaves ``NllLossBackward0`` in it). Its node names
are reported as the operation they differentiate, lower case without underscores (``nllloss``).
"""

from __future__ import annotations

import re

import torch

from autograder.probing import FAILED, call, operator_log, run_probe, unchanged


def _run(cross_entropy, logits: torch.Tensor, targets: torch.Tensor) -> dict:
    with operator_log() as log:
        (loss, targets_changed), logits_changed = unchanged(
            logits, lambda: unchanged(targets, lambda: call(cross_entropy, logits, targets, name="cross_entropy")))
    return {"loss": loss, "operators": sorted(log.names), "input_changed": logits_changed or targets_changed}


def probe(defined: tuple, inputs: dict) -> dict:
    (cross_entropy,) = defined
    logits, targets = inputs["logits"], inputs["targets"]
    # A plain tensor first (an in-place edit of it shows as such), then a leaf that requires grad.
    plain = _run(cross_entropy, logits, targets)
    leaf = logits.detach().clone().requires_grad_(True)
    with torch.enable_grad():  # a crash here (an in-place edit of a leaf, say) is reported after the plain call's verdict
        graded = run_probe(lambda *_: _run(cross_entropy, leaf, targets), (), {})
    if FAILED in graded:
        return {"plain": plain, "with_grad": graded}
    loss, grad, requires_grad, failure = graded["loss"], None, False, None
    if type(loss) is torch.Tensor and loss.shape == ():
        requires_grad = bool(loss.requires_grad)
        graded["graph"] = graph_operations(loss)
        if requires_grad:
            try:  # the backward pass fails when, for one, the answer wrote into a tensor autograd saved
                (grad,) = torch.autograd.grad(loss, leaf, allow_unused=True)
            except Exception as error:
                failure = {"error": type(error).__name__, "detail": str(error)[:300]}
    return {"plain": plain, "with_grad": graded, "loss_requires_grad": requires_grad, "grad": grad,
            "grad_failed": failure}


def graph_operations(loss: torch.Tensor, limit: int = 100_000) -> list[str]:
    """The operations recorded in ``loss``'s autograd graph: ``LogSoftmaxBackward0`` → ``logsoftmax``."""
    names, seen, stack = set(), set(), [loss.grad_fn]
    while stack and len(seen) < limit:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.add(re.sub(r"Backward\d*$", "", type(node).__name__).replace("_", "").lower())
        stack.extend(next_node for next_node, _ in node.next_functions)
    return sorted(names)
