"""The reference (grader only): the spec's epoch done right, and done with each of the usual mistakes.

``expected(spec)`` gives the parameters and BatchNorm statistics after a right epoch, the mean loss
per sample, and what the usual wrong loops end with (no ``model.train()``, no ``zero_grad``, ``step``
before ``backward``, a loss of its own instead of the criterion, batches never moved: the watched
loader holds their inputs negated) and return (the last batch's loss, the plain mean of the batch
losses), so that the judge can name the mistake.
"""

from __future__ import annotations

import torch
from torch import nn

from autograder.spies import make_optimizer, spec_model


def one_epoch(spec: dict, *, train: bool = True, zero_grad: bool = True, step_first: bool = False,
              own_loss: bool = False, moved: bool = True) -> tuple[nn.Module, list[float], list[int]]:
    """One epoch of the spec's model, right or with one mistake; the model after it, each batch's loss and size."""
    device = torch.device(spec["device"])
    model = spec_model(spec)
    model.train(train)
    optimizer = make_optimizer(spec["optimizer"], list(model.parameters()))
    criterion = nn.CrossEntropyLoss(label_smoothing=0.0 if own_loss else float(spec["label_smoothing"]))
    inputs, labels, batch_size = spec["inputs"], spec["labels"], int(spec["batch_size"])
    losses, sizes = [], []
    for start in range(0, len(labels), batch_size):
        x, y = inputs[start:start + batch_size].to(device), labels[start:start + batch_size].to(device)
        if not moved:
            x = -x  # what the watched loader's inputs hold until they are moved
        if zero_grad:
            optimizer.zero_grad()
        loss = criterion(model(x), y)
        if step_first:
            optimizer.step()
            loss.backward()
        else:
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
        sizes.append(len(y))
    return model, losses, sizes


def _parameters(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach() for p in model.parameters()]


def expected(spec: dict) -> dict:
    model, losses, sizes = one_epoch(spec)
    mistakes = {
        "unchanged": [w.to(spec["device"]) for w in spec["weights"]],
        "eval_mode": _parameters(one_epoch(spec, train=False)[0]),
        "accumulated": _parameters(one_epoch(spec, zero_grad=False)[0]),
        "step_first": _parameters(one_epoch(spec, step_first=True)[0]),
        "not_moved": _parameters(one_epoch(spec, moved=False)[0]),
    }
    if spec["label_smoothing"]:
        mistakes["own_loss"] = _parameters(one_epoch(spec, own_loss=True)[0])
    return {
        "parameters": _parameters(model), "buffers": [b.detach() for b in model.buffers()],
        "mean": sum(loss * size for loss, size in zip(losses, sizes)) / sum(sizes),
        "batches": len(sizes), "last_size": sizes[-1],
        "mistakes": {"parameters": mistakes, "last_batch": losses[-1], "unweighted": sum(losses) / len(losses)},
    }
