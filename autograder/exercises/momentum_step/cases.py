"""The steps ``momentum_step`` is run on: two public runs the student sees, and hidden ones where bugs hide.

Each case gives the starting parameters and velocities, the momentum, the learning rate of every step,
and every step's gradients (``"bowl"``: the gradient of the lesson's bowl f(x, y) = x²/20 + y² at the
point reached, which the probe computes). The answer is called once per step on the same lists.

Public: the worked example of the lesson (one step, lr = 0.2, momentum = 0.9, non-zero velocities,
lr ≠ 1 − momentum so that dampening shows) and 50 steps on the bowl with lr = 0.3 and momentum = 0.9.
Hidden: random parameter lists (random shapes, a 0-d tensor among them) for 100 steps, a fresh random
gradient at each, for several momenta (0 included), a constant learning rate and one that changes
every step (a schedule, where the form v ← μ·v + lr·g really differs), zero and random initial
velocities, float32 and float64. On the GPU the same runs are 10 steps long: a tensor on the wrong
device fails at the first step, and the numbers are held over 100 steps on the CPU (the simulated GPU
costs about ten times as much per operation).
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

STEPS = 100
GPU_STEPS = 10
# (momentum, learning rate changes every step, velocities start at zero, dtype)
HIDDEN = [
    (0.9, False, True, torch.float32),
    (0.5, True, True, torch.float32),
    (0.0, False, True, torch.float32),
    (0.99, True, False, torch.float64),
    (0.9, True, False, torch.float32),
]


def _shapes(generator: torch.Generator) -> list[tuple[int, ...]]:
    n = int(torch.randint(1, 4, (1,), generator=generator))
    shapes = [tuple(int(s) for s in torch.randint(1, 6, (int(torch.randint(1, 4, (1,), generator=generator)),),
                                                  generator=generator)) for _ in range(n)]
    return shapes + [()]  # a 0-d parameter too, like a single learned scale


def cases(device: str, generator: torch.Generator | None):
    yield Case("example", {
        "momentum": 0.9, "lrs": [0.2],
        "params": [torch.tensor([1.0, -2.0], device=device), torch.tensor([0.5], device=device)],
        "velocities": [torch.tensor([1.0, -1.0], device=device), torch.zeros(1, device=device)],
        "grads": [[torch.tensor([0.5, -1.0], device=device), torch.tensor([2.0], device=device)]],
    }, hidden=False, title="momentum_step.example")
    yield Case("bowl", {"momentum": 0.9, "lrs": [0.3] * 50, "params": [torch.tensor([-9.0, 1.5], device=device)],
                        "velocities": [torch.zeros(2, device=device)], "grads": "bowl"},
               hidden=False, title="momentum_step.bowl")
    if generator is None:
        return
    for momentum, scheduled, from_zero, dtype in HIDDEN:
        shapes = _shapes(generator)
        params = [torch.randn(s, generator=generator, dtype=dtype).to(device) for s in shapes]
        velocities = [torch.zeros(s, dtype=dtype).to(device) if from_zero
                      else torch.randn(s, generator=generator, dtype=dtype).to(device) for s in shapes]
        lr = float(torch.empty(1).uniform_(0.01, 0.3, generator=generator))
        lrs, grads = [], []
        for _ in range(STEPS if device == "cpu" else GPU_STEPS):
            if scheduled:
                lr = float(torch.empty(1).uniform_(0.01, 0.3, generator=generator))
            lrs.append(lr)
            grads.append([torch.randn(s, generator=generator, dtype=dtype).to(device) for s in shapes])
        name = (f"{len(shapes)} tensors of shapes {shapes}, momentum = {momentum}, "
                f"{'changing' if scheduled else 'constant'} lr, "
                f"{'zero' if from_zero else 'random'} initial velocities, {dtype}, {device}")
        yield Case(name, {"momentum": momentum, "params": params, "velocities": velocities, "lrs": lrs, "grads": grads},
                   title=f"momentum_step.case_{'changing' if scheduled else 'constant'}_{'zero' if from_zero else 'random'}",
                   fields=dict(n=len(shapes), shapes=shapes, momentum=momentum, dtype=dtype, device=device))
