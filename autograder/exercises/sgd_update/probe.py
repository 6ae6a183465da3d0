"""What ``sgd_update(parameters, lr)`` did, step after step: everything besides the values, and the values.

The case describes the parameters: a plain list (``kind = "parameters"``: their values and the
gradients to give them) or a small model (its kind, sizes and weights, and an input ``x``). For
every step the probe computes fresh gradients (the model's mean squared output, backward), calls
the answer on the parameters (a list, or a generator on the steps the case says) and reports what
the call did: what it raised or returned, torch.optim code or fused optimizer kernels that ran,
autograd afterwards, each gradient afterwards, list elements replaced; and each parameter after it.
The steps stop at the first one that raised.
"""

from __future__ import annotations

import torch
from torch import nn

from autograder.probing import call, operator_log, watch_optimizers
from autograder.verdict import CheckFailed


class UnusedLayerMLP(nn.Module):
    """A small MLP with a layer that forward never uses: its parameters keep .grad = None."""

    def __init__(self, sizes):
        super().__init__()
        self.fc1 = nn.Linear(sizes[0], sizes[1])
        self.unused = nn.Linear(sizes[1], sizes[1])
        self.fc2 = nn.Linear(sizes[1], sizes[2])

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class TinyConvNet(nn.Module):
    """One 3×3 convolution and a linear layer, for 1×8×8 inputs."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)
        self.fc = nn.Linear(3 * 6 * 6, 4)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.conv(x)), 1))


def new_model(kind: str, sizes) -> nn.Module:
    """A model of one kind: ``"mlp"`` (:class:`UnusedLayerMLP` of ``sizes``), ``"conv"`` or ``"linear"`` (in, out)."""
    with torch.random.fork_rng(devices=[]):  # its initialisation is overwritten: leave the RNG alone
        if kind == "mlp":
            return UnusedLayerMLP([int(n) for n in sizes])
        if kind == "conv":
            return TinyConvNet()
        return nn.Linear(int(sizes[0]), int(sizes[1]))


def build_model(spec: dict) -> nn.Module:
    """The model ``spec`` describes (``kind``, ``sizes``), with the weights of ``spec["state"]`` (their dtype and device too)."""
    model = new_model(spec["kind"], spec["sizes"])
    first = next(iter(spec["state"].values()))
    model = model.to(device=first.device, dtype=first.dtype)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            parameter.copy_(spec["state"][name])
    return model


def backward(model: nn.Module, x: torch.Tensor) -> None:
    """Fresh gradients for one training step: zero_grad, then the mean squared output backward."""
    model.zero_grad()
    model(x).pow(2).mean().backward()


def probe(defined: tuple, inputs: dict) -> dict:
    (sgd_update,) = defined
    spec = inputs["model"]
    if spec["kind"] == "parameters":
        model = None
        parameters = [nn.Parameter(value.clone()) for value in spec["state"].values()]
        for parameter, grad in zip(parameters, inputs["grads"]):
            parameter.grad = None if grad is None else grad.clone()
    else:
        model = build_model(spec)
        parameters = list(model.parameters())
    steps = []
    for lr, as_generator in zip(inputs["lrs"], inputs["as_generator"]):
        if model is not None:
            backward(model, inputs["x"])
        observed = observe_call(sgd_update, parameters, lr, as_generator)
        steps.append({**observed, "params": [p.detach().clone() for p in parameters]})
        if observed["error"] is not None:
            break
    return {"steps": steps}


def observe_call(sgd_update, parameters: list[torch.Tensor], lr: float, as_generator: bool) -> dict:
    """Call ``sgd_update`` once and report, as data, what the call did besides changing the values.

    ``error``: None, or what it raised (``id`` and ``fields`` of the failure, ``types``: the
    exception's classes, ``detail``); ``optimizers``: torch.optim classes created inside;
    ``optim_code``: torch.optim functions that ran; ``watch_lost``: the answer replaced the hook that
    sees them; ``operators``: the ATen operators it ran; ``returned``: the type name of what it
    returned (None for None); ``grad_enabled``: autograd on afterwards (switched back on here either
    way); ``list_replaced``: elements of the given list replaced; ``grads``: each parameter's .grad
    afterwards (a copy, or None); ``grad_replaced``: .grad is another tensor now; ``grad_values_changed``:
    its values are not what they were before the call (seen here, not against a reference: the
    gradients of the grader's own run differ in the last bits on another thread count).
    """
    given = list(parameters)  # the list sgd_update receives (or iterates through)
    grads = [p.grad for p in parameters]
    values_before = [g.detach().clone() if isinstance(g, torch.Tensor) else None for g in grads]
    error = result = None
    with watch_optimizers() as watch, operator_log() as log:
        try:
            result = call(sgd_update, iter(given) if as_generator else given, lr, name="sgd_update")
        except CheckFailed as failure:
            cause = failure.__cause__ or failure.__context__
            error = {"id": failure.message_id, "fields": {k: str(v)[:300] for k, v in failure.fields.items()},
                     "types": [c.__name__ for c in type(cause).__mro__] if cause is not None else [],
                     "detail": str(cause)[:300] if cause is not None else str(failure)[:300]}
        finally:
            grad_enabled = torch.is_grad_enabled()
            torch.set_grad_enabled(True)
    return {
        "error": error, "optimizers": list(watch.created), "optim_code": list(watch.code),
        "watch_lost": watch.hook_lost, "operators": sorted(log.names),
        "returned": None if result is None else type(result).__name__,
        "grad_enabled": grad_enabled,
        "list_replaced": len(given) != len(parameters) or any(a is not b for a, b in zip(given, parameters)),
        "grads": [p.grad.detach().clone() if isinstance(p.grad, torch.Tensor) else None for p in parameters],
        "grad_replaced": [g is not None and p.grad is not None and p.grad is not g for p, g in zip(parameters, grads)],
        "grad_values_changed": [before is not None and isinstance(p.grad, torch.Tensor) and
                                (p.grad.shape != before.shape or not torch.equal(p.grad.detach(), before))
                                for p, before in zip(parameters, values_before)],
    }
