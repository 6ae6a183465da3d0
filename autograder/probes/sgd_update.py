"""Probe for ``sgd_update(parameters, lr)``: train the case's model a few steps with it and report each step.

For every step: the fresh gradients are computed here (:func:`helper.checks.sgd_update.backward`),
the answer is called on the model's parameters (a list, or a generator on the steps the case says),
and the step reports what :func:`helper.checks.sgd_update.observe_sgd_update` saw (what it raised or
returned, optimizers created, autograd afterwards, the gradients afterwards, list elements replaced)
and every parameter's value after the call. The steps stop at the first one that raised.
"""

from __future__ import annotations

from helper.checks.sgd_update import backward, build_model, observe_sgd_update


def probe(defined: tuple, inputs: dict) -> dict:
    (sgd_update,) = defined
    model = build_model(inputs)
    x = inputs["x"]
    steps = []
    for lr, as_generator in zip(inputs["lrs"], inputs["as_generator"]):
        backward(model, x)
        observed = observe_sgd_update(sgd_update, list(model.parameters()), lr, as_generator)
        steps.append({**observed, "params": [p.detach().clone() for p in model.parameters()]})
        if observed["error"] is not None:
            break
    return {"steps": steps}
