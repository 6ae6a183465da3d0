"""The inputs of ``sgd_update(parameters, lr)``: two public cases the student sees, and hidden training runs.

Public: a worked example (three parameters, one without a gradient, lr = 0.1) and one step on an
``nn.Linear(4, 3)`` passed as ``model.parameters()`` (a generator). Hidden, drawn from the course
seed, in float32 and float64 on every device: three steps with random learning rates on an MLP
with a layer forward never uses (its gradients stay None) and on a small convolutional network,
the parameters passed as a generator and as a list in turn.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

from .probe import new_model

STEPS = 3
DTYPES = [torch.float32, torch.float64]


def drawn_state(kind: str, sizes, generator: torch.Generator, dtype: torch.dtype, device: str) -> dict:
    """Weights for a model of ``kind``, drawn from ``generator`` at the scale of PyTorch's initialisation."""
    state = {}
    for name, parameter in new_model(kind, sizes).named_parameters():
        fan_in = parameter.shape[1:].numel() if parameter.dim() > 1 else parameter.numel()
        value = torch.randn(parameter.shape, generator=generator, dtype=torch.float64) * fan_in ** -0.5
        state[name] = value.to(device=device, dtype=dtype)
    return state


def cases(device: str, generator: torch.Generator | None):
    example = {"w": torch.tensor([1.0, -2.0, 3.0]), "b": torch.tensor([0.5]), "frozen": torch.tensor([7.0, 7.0])}
    yield Case("example", {
        "model": {"kind": "parameters", "sizes": [], "state": {k: v.to(device) for k, v in example.items()}},
        "grads": [torch.tensor([0.5, 0.5, -1.0], device=device), torch.tensor([2.0], device=device), None],
        "x": None, "lrs": [0.1], "as_generator": [False]}, hidden=False, title="sgd_update.example")
    fixed = torch.Generator().manual_seed(0)
    state = {"weight": torch.randn(3, 4, generator=fixed), "bias": torch.randn(3, generator=fixed)}
    x = torch.randn(8, 4, generator=fixed)
    yield Case("linear", {
        "model": {"kind": "linear", "sizes": [4, 3], "state": {k: v.to(device) for k, v in state.items()}},
        "grads": None, "x": x.to(device), "lrs": [0.05], "as_generator": [True]},
        hidden=False, title="sgd_update.linear")
    if generator is None:
        return
    for dtype in DTYPES:
        sizes = [int(s) for s in torch.randint(2, 9, (3,), generator=generator)]
        for name, kind, model_sizes, x_shape in [(f"an MLP {tuple(sizes)} with an unused layer", "mlp", sizes, (5, sizes[0])),
                                                 ("a small convolutional network", "conv", [], (4, 1, 8, 8))]:
            state = drawn_state(kind, model_sizes, generator, dtype, device)
            x = torch.randn(x_shape, generator=generator, dtype=torch.float64).to(device=device, dtype=dtype)
            lrs = [float(torch.empty(1).uniform_(0.001, 1.0, generator=generator)) for _ in range(STEPS)]
            yield Case(f"{name}, {dtype}, {device}", {
                "model": {"kind": kind, "sizes": model_sizes, "state": state}, "grads": None, "x": x,
                "lrs": lrs, "as_generator": [step % 2 == 0 for step in range(STEPS)]},
                title=f"sgd_update.case_{kind}", fields=dict(sizes=tuple(sizes), dtype=dtype, device=device))
