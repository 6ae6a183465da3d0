"""What ``momentum_step`` did at each step of a case: the tensors after it, and what the call did besides.

The parameters and velocities start from the case's tensors; before every step each parameter gets
that step's gradient (for ``"bowl"``, the gradient of f(x, y) = x²/20 + y² at the point reached:
the problem's data, not an answer). The answer is called on the lists; each step reports what it
raised or returned, the functions of torch.optim and the operators it ran, autograd afterwards, the
gradients afterwards, list elements replaced, and the parameters and velocities the caller holds.
The steps stop at the first one that raised.
"""

from __future__ import annotations

import torch
from torch import nn

from autograder.probing import call, operator_log, watch_optimizers
from autograder.verdict import CheckFailed


def bowl_gradient(p: torch.Tensor) -> torch.Tensor:
    """∇f for the lesson's bowl f(x, y) = x²/20 + y²: (x / 10, 2y)."""
    p = p.detach()
    return torch.stack([p[0] / 10, 2 * p[1]])


def probe(defined: tuple, inputs: dict) -> dict:
    (momentum_step,) = defined
    params = [nn.Parameter(p.detach().clone()) for p in inputs["params"]]
    velocities = [v.detach().clone() for v in inputs["velocities"]]
    bowl = inputs["grads"] == "bowl"
    steps = []
    for step, lr in enumerate(inputs["lrs"]):
        grads = [bowl_gradient(params[0])] if bowl else inputs["grads"][step]
        for p, g in zip(params, grads):
            p.grad = g.detach().clone()
        observed = observe(momentum_step, list(params), list(velocities), lr, inputs["momentum"])
        steps.append({**observed, "given": [g.detach().clone() for g in grads] if bowl else None,
                      "params": [p.detach().clone() for p in params],
                      "velocities": [v.detach().clone() for v in velocities]})
        if observed["error"] is not None:
            break
    return {"steps": steps}


def observe(momentum_step, params: list, velocities: list, lr: float, momentum: float) -> dict:
    """Call ``momentum_step`` once and report, as data, what the call did besides the new values."""
    original_params, original_velocities = list(params), list(velocities)
    grads = [p.grad for p in params]
    error = result = None
    with watch_optimizers() as watch, operator_log() as operators:
        try:
            result = call(momentum_step, params, velocities, lr, momentum, name="momentum_step")
        except CheckFailed as failure:
            cause = failure.__cause__ or failure.__context__
            error = {"id": failure.message_id, "fields": {k: str(v)[:300] for k, v in failure.fields.items()},
                     "types": [c.__name__ for c in type(cause).__mro__] if cause is not None else [],
                     "detail": str(cause)[:300] if cause is not None else ""}
        finally:
            grad_enabled = torch.is_grad_enabled()
            torch.set_grad_enabled(True)
    replaced = [which for which, given, originals in (("params", params, original_params),
                                                      ("velocities", velocities, original_velocities))
                if len(given) != len(originals) or any(a is not b for a, b in zip(given, originals))]
    return {
        "error": error, "optim_code": list(watch.code), "unhooked": watch.hook_lost,
        "operators": sorted(operators.names),
        "returned": None if result is None else type(result).__name__,
        "grad_enabled": grad_enabled, "replaced": replaced,
        "grads": [p.grad.detach().clone() if isinstance(p.grad, torch.Tensor) else None for p in original_params],
        "grad_replaced": [p.grad is not g for p, g in zip(original_params, grads)],
    }
