"""The reference (grader only): the path of ``torch.optim.SGD`` through a case, and the paths of the usual mistakes.

``expected(inputs)`` gives, for every step, the parameters and velocities of
``torch.optim.SGD(momentum=μ, dampening=0, nesterov=False)`` driven from the same start with the
same learning rates and gradients (for ``"bowl"``, the bowl's gradient at the point each path
reached), and the same for each usual wrong update, so that the judge can name the mistake at the
first step where an answer leaves the right path. Each path is a list per tensor, stacked over the
steps: ``params[i][step]`` is tensor ``i`` after step ``step + 1``.
"""

from __future__ import annotations

import torch
from torch import nn

from .probe import bowl_gradient


def _gradients(inputs: dict, step: int, params: list[torch.Tensor]) -> list[torch.Tensor]:
    return [bowl_gradient(params[0])] if inputs["grads"] == "bowl" else inputs["grads"][step]


def _stacked(path: list[list[torch.Tensor]]) -> list[torch.Tensor]:
    return [torch.stack([state[i] for state in path]) for i in range(len(path[0]))]


def sgd_path(inputs: dict) -> dict:
    """The parameters and velocities of torch.optim.SGD after every step."""
    momentum = inputs["momentum"]
    twins = [nn.Parameter(p.detach().clone()) for p in inputs["params"]]
    optimizer = torch.optim.SGD(twins, lr=inputs["lrs"][0], momentum=momentum)
    velocities = [v.detach().clone() for v in inputs["velocities"]]
    if momentum:
        for twin, v in zip(twins, velocities):
            optimizer.state[twin]["momentum_buffer"] = v.clone()
    params_path, velocities_path = [], []
    for step, lr in enumerate(inputs["lrs"]):
        grads = _gradients(inputs, step, twins)
        for twin, g in zip(twins, grads):
            twin.grad = g.detach().clone()
        optimizer.param_groups[0]["lr"] = lr
        optimizer.step()
        if momentum:
            velocities = [optimizer.state[t]["momentum_buffer"].clone() for t in twins]
        else:  # SGD keeps no buffer without momentum: v ← 0·v + g
            velocities = [g.detach().clone() for g in grads]
        params_path.append([t.detach().clone() for t in twins])
        velocities_path.append(velocities)
    return {"params": _stacked(params_path), "velocities": _stacked(velocities_path)}


MISTAKES = {
    # name: (new velocity from v, g, lr, μ; new parameter from p, v (new), v (old), g, lr, μ)
    "velocity_unchanged": (lambda v, g, lr, mu: v, lambda p, v, old, g, lr, mu: p - lr * (mu * old + g)),
    "velocity_lr": (lambda v, g, lr, mu: mu * v + lr * g, lambda p, v, old, g, lr, mu: p - v),
    "dampening": (lambda v, g, lr, mu: mu * v + (1 - mu) * g, lambda p, v, old, g, lr, mu: p - lr * v),
    "param_unchanged": (lambda v, g, lr, mu: mu * v + g, lambda p, v, old, g, lr, mu: p),
    "used_gradient": (lambda v, g, lr, mu: mu * v + g, lambda p, v, old, g, lr, mu: p - lr * g),
    "nesterov": (lambda v, g, lr, mu: mu * v + g, lambda p, v, old, g, lr, mu: p - lr * (g + mu * v)),
}
"""The usual wrong updates: the velocity rebound instead of updated, lr folded into the velocity (the
other common form, with p ← p − v), dampening, the parameter rebound, the gradient used instead of the
velocity, Nesterov momentum."""


def mistake_path(inputs: dict, name: str) -> dict:
    new_velocity, new_param = MISTAKES[name]
    momentum = inputs["momentum"]
    params = [p.detach().clone() for p in inputs["params"]]
    velocities = [v.detach().clone() for v in inputs["velocities"]]
    params_path, velocities_path = [], []
    for step, lr in enumerate(inputs["lrs"]):
        grads = _gradients(inputs, step, params)
        old = velocities
        velocities = [new_velocity(v, g, lr, momentum) for v, g in zip(old, grads)]
        params = [new_param(p, v, o, g, lr, momentum) for p, v, o, g in zip(params, velocities, old, grads)]
        params_path.append(params)
        velocities_path.append(velocities)
    return {"params": _stacked(params_path), "velocities": _stacked(velocities_path)}


def expected(inputs: dict) -> dict:
    return {"right": sgd_path(inputs), "mistakes": {name: mistake_path(inputs, name) for name in MISTAKES}}
