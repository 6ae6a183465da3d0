"""Hidden tests for ``momentum_step(params, velocities, lr, momentum)``, checked against ``torch.optim.SGD``.

The visible checks do one worked step and 50 steps on the lesson's bowl with momentum 0.9. These
run random parameter lists (random shapes, a 0-d tensor among them) for 100 steps each, with a fresh
random gradient at every step, side by side with a copy driven by
``torch.optim.SGD(momentum=μ, dampening=0, nesterov=False)``, for several values of μ (0 included),
with a constant learning rate and with one that changes every step (a schedule, where the form
v ← μ·v + lr·g really differs), from zero and from non-zero velocities, in float32 and float64, on
every device. Every call is watched by :func:`helper.checks.momentum_step.run_momentum_step`: no
optimizer created inside, None returned, gradients and the tensors' identity kept, autograd left on.
"""

from __future__ import annotations

import torch
from torch import nn

from helper.checks.momentum_step import expect_step, run_momentum_step

from . import available_devices

LESSON = "07_momentum"
ANSWER_CELL = "momentum_step"
DEFINES = ("momentum_step",)
CONTEXT = "import torch"

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


def hidden_tests(momentum_step, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first step where ``momentum_step`` is wrong."""
    for device in devices or available_devices():
        generator = torch.Generator().manual_seed(707)
        for momentum, scheduled, from_zero, dtype in CASES:
            shapes = _shapes(generator)
            params = [nn.Parameter(torch.randn(s, generator=generator, dtype=dtype).to(device)) for s in shapes]
            twins = [nn.Parameter(p.detach().clone()) for p in params]
            velocities = [torch.zeros_like(p.detach()) if from_zero
                          else torch.randn(s, generator=generator, dtype=dtype).to(device)
                          for p, s in zip(params, shapes)]
            lr = float(torch.empty(1).uniform_(0.01, 0.3, generator=generator))
            optimizer = torch.optim.SGD(twins, lr=lr, momentum=momentum)
            if momentum and not from_zero:
                for twin, v in zip(twins, velocities):
                    optimizer.state[twin]["momentum_buffer"] = v.clone()
            name = (f"{len(shapes)} tensors of shapes {shapes}, momentum = {momentum}, "
                    f"{'changing' if scheduled else 'constant'} lr, "
                    f"{'zero' if from_zero else 'random'} initial velocities, {dtype}, {device}")
            for step in range(1, STEPS + 1):
                if scheduled:
                    lr = float(torch.empty(1).uniform_(0.01, 0.3, generator=generator))
                grads = [torch.randn(s, generator=generator, dtype=dtype).to(device) for s in shapes]
                for p, twin, g in zip(params, twins, grads):
                    p.grad, twin.grad = g.clone(), g.clone()
                params_before = [p.detach().clone() for p in params]
                velocities_before = [v.clone() for v in velocities]
                try:
                    run_momentum_step(momentum_step, params, velocities, lr, momentum)
                    optimizer.param_groups[0]["lr"] = lr
                    optimizer.step()
                    expected_velocities = ([optimizer.state[t]["momentum_buffer"] for t in twins] if momentum
                                           else None)
                    expect_step(params, velocities, params_before, velocities_before, grads, lr, momentum,
                                expected_params=[t.detach() for t in twins],
                                expected_velocities=expected_velocities, steps=step)
                except AssertionError as failure:
                    raise type(failure)(f"{name}, step {step}, lr = {lr:.4g}: {failure}") from None
