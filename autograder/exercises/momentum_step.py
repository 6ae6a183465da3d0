"""Hidden tests for ``momentum_step(params, velocities, lr, momentum)``, checked against ``torch.optim.SGD``.

The visible checks do one worked step and 50 steps on the lesson's bowl with momentum 0.9. These
run random parameter lists (random shapes, a 0-d tensor among them) for 100 steps each, with a fresh
random gradient at every step, for several values of μ (0 included), with a constant learning rate
and with one that changes every step (a schedule, where the form v ← μ·v + lr·g really differs),
from zero and from non-zero velocities, in float32 and float64, on every device. Each case sends
the starting tensors, the learning rates and every step's gradients; the probe runs the answer on
them and reports every step, and the judge drives a copy with
``torch.optim.SGD(momentum=μ, dampening=0, nesterov=False)`` from the same start and compares the
parameters and velocities after every step. It also checks what the probe saw of each call: no
optimizer created inside, None returned, gradients (bit for bit) and the tensors' identity kept,
autograd left on.
"""

from __future__ import annotations

import torch
from torch import nn

from helper.checks.core import CheckFailed
from helper.checks.momentum_step import expect_call, expect_step
from helper.i18n import message

from . import run_in_process

LESSON = "07_momentum"
ANSWER_CELL = "momentum_step"
DEFINES = ("momentum_step",)
CONTEXT = "import torch"
FORBIDDEN_NAMES = ("optim", "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax",
                   "NAdam", "RAdam", "ASGD", "Rprop", "LBFGS", "SparseAdam")

STEPS = 100
# (momentum, learning rate changes every step, velocities start at zero, dtype)
CASES = [
    (0.9, False, True, torch.float32),
    (0.5, True, True, torch.float32),
    (0.0, False, True, torch.float32),
    (0.99, True, False, torch.float64),
]


def _shapes(generator: torch.Generator) -> list[tuple[int, ...]]:
    n = int(torch.randint(1, 4, (1,), generator=generator))
    shapes = [tuple(int(s) for s in torch.randint(1, 6, (int(torch.randint(1, 4, (1,), generator=generator)),),
                                                  generator=generator)) for _ in range(n)]
    return shapes + [()]  # a 0-d parameter too, like a single learned scale


def cases(device: str):
    generator = torch.Generator().manual_seed(707)
    for momentum, scheduled, from_zero, dtype in CASES:
        shapes = _shapes(generator)
        params = [torch.randn(s, generator=generator, dtype=dtype).to(device) for s in shapes]
        velocities = [torch.zeros(s, dtype=dtype).to(device) if from_zero
                      else torch.randn(s, generator=generator, dtype=dtype).to(device) for s in shapes]
        lr = float(torch.empty(1).uniform_(0.01, 0.3, generator=generator))
        lrs, grads = [], []
        for _ in range(STEPS):
            if scheduled:
                lr = float(torch.empty(1).uniform_(0.01, 0.3, generator=generator))
            lrs.append(lr)
            grads.append([torch.randn(s, generator=generator, dtype=dtype).to(device) for s in shapes])
        name = (f"{len(shapes)} tensors of shapes {shapes}, momentum = {momentum}, "
                f"{'changing' if scheduled else 'constant'} lr, "
                f"{'zero' if from_zero else 'random'} initial velocities, {dtype}, {device}")
        yield name, {"momentum": momentum, "params": params, "velocities": velocities, "lrs": lrs, "grads": grads}


def judge(case: str, inputs: dict, outputs: dict) -> None:
    """Drive torch.optim.SGD beside the reported steps; fail at the first wrong one."""
    steps = outputs.get("steps") if isinstance(outputs, dict) else None
    steps = steps if type(steps) is list else []
    momentum = inputs["momentum"]
    twins = [nn.Parameter(p.detach().clone()) for p in inputs["params"]]
    optimizer = torch.optim.SGD(twins, lr=inputs["lrs"][0], momentum=momentum)
    if momentum:
        for twin, v in zip(twins, inputs["velocities"]):
            optimizer.state[twin]["momentum_buffer"] = v.clone()
    params_before = [p.detach().clone() for p in inputs["params"]]
    velocities_before = [v.detach().clone() for v in inputs["velocities"]]
    for step, (lr, grads) in enumerate(zip(inputs["lrs"], inputs["grads"]), 1):
        try:
            if step > len(steps) or not isinstance(steps[step - 1], dict):
                raise CheckFailed(message("momentum_step_missing_step", step=step))
            observed = steps[step - 1]
            for twin, g in zip(twins, grads):
                twin.grad = g.clone()
            optimizer.param_groups[0]["lr"] = lr
            optimizer.step()
            expected_velocities = ([optimizer.state[t]["momentum_buffer"] for t in twins] if momentum
                                   else None)
            params, velocities = observed.get("params"), observed.get("velocities")
            params = params if type(params) is list else []
            velocities = velocities if type(velocities) is list else []
            expect_call(observed, grads)
            expect_step(params, velocities, params_before, velocities_before, grads, lr, momentum,
                        expected_params=[t.detach() for t in twins],
                        expected_velocities=expected_velocities, steps=step)
        except CheckFailed as failure:
            raise CheckFailed(f"{case}, step {step}, lr = {lr:.4g}: {failure}") from None
        params_before = [p.detach() for p in params]
        velocities_before = [v.detach() for v in velocities]


def hidden_tests(momentum_step, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first step where ``momentum_step`` is wrong."""
    run_in_process("momentum_step", (momentum_step,), devices)
