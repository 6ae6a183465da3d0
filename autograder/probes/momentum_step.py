"""Probe for ``momentum_step(params, velocities, lr, momentum)``: run the case's steps and report each one.

The parameters and velocities start from the case's tensors; before every step each parameter gets
that step's gradient. The answer is called on the lists, and the step reports what
:func:`helper.checks.momentum_step.observe_momentum_step` saw (what it raised or returned,
optimizers created, autograd afterwards, the gradients afterwards, list elements replaced) and the
parameters and velocities after the call: the tensors the caller holds, whatever the lists hold now.
The steps stop at the first one that raised.
"""

from __future__ import annotations

from torch import nn

from helper.checks.momentum_step import observe_momentum_step


def probe(defined: tuple, inputs: dict) -> dict:
    (momentum_step,) = defined
    params = [nn.Parameter(p.detach().clone()) for p in inputs["params"]]
    velocities = [v.detach().clone() for v in inputs["velocities"]]
    steps = []
    for lr, grads in zip(inputs["lrs"], inputs["grads"]):
        for p, g in zip(params, grads):
            p.grad = g.clone()
        observed = observe_momentum_step(momentum_step, list(params), list(velocities), lr, inputs["momentum"])
        steps.append({**observed, "params": [p.detach().clone() for p in params],
                      "velocities": [v.detach().clone() for v in velocities]})
        if observed["error"] is not None:
            break
    return {"steps": steps}
