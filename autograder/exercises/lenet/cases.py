"""The inputs of ``LeNet``: two public cases the student sees, and hidden ones with other weights and batches.

Every case names the layers to describe, the weights (a state_dict of CPU float32 tensors) the probe
loads into the student's model, the device and dtype to move it to, and the batches to run.
Public: the layers alone; a batch of four. Hidden, drawn from the course seed: two sets of weights on
batches of 1, 2 and 5 (a batch of one shows a squeezed or flattened-away batch dimension), padded
digit-like images under weights drawn like PyTorch's own initialisation, and a float64 model
(``model.double()``: forward must not force float32).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.exercise import Case

CONVOLUTIONS = {"conv1": (1, 6, 5), "conv2": (6, 16, 5)}
"""name: (in_channels, out_channels, kernel_size), stride 1 and no padding."""
LINEARS = {"fc1": (400, 120), "fc2": (120, 84), "fc3": (84, 10)}
"""name: (in_features, out_features)."""
LAYERS = (*CONVOLUTIONS, *LINEARS)
BATCH_SIZES = (1, 2, 5)
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def weight_shape(name: str) -> tuple[int, ...]:
    if name in CONVOLUTIONS:
        n_in, n_out, k = CONVOLUTIONS[name]
        return (n_out, n_in, k, k)
    n_in, n_out = LINEARS[name]
    return (n_out, n_in)


def weights(generator: torch.Generator, default_scale: bool = False) -> dict[str, torch.Tensor]:
    """Random weights for the five layers, by state_dict name.

    Scaled so that every layer's output stays O(1) and the biases are not zero; with
    ``default_scale``, drawn like PyTorch's own initialisation (uniform in ±1/√fan_in).
    """
    drawn = {}
    for name in LAYERS:
        shape = weight_shape(name)
        fan_in = torch.Size(shape[1:]).numel()
        if default_scale:
            bound = fan_in ** -0.5
            drawn[f"{name}.weight"] = (torch.rand(shape, generator=generator) * 2 - 1) * bound
            drawn[f"{name}.bias"] = (torch.rand(shape[0], generator=generator) * 2 - 1) * bound
        else:
            drawn[f"{name}.weight"] = torch.randn(shape, generator=generator) * (2.0 / fan_in) ** 0.5
            drawn[f"{name}.bias"] = torch.randn(shape[0], generator=generator) * 0.1
    return drawn


def inputs(drawn: dict, batches: list, device: str, dtype: str = "float32") -> dict:
    return {"layers": list(LAYERS), "weights": drawn, "device": device, "dtype": dtype,
            "batches": [x.to(device=device, dtype=DTYPES[dtype]) for x in batches]}


def cases(device: str, generator: torch.Generator | None):
    drawn = weights(torch.Generator().manual_seed(30))
    x = torch.randn(4, 1, 32, 32, generator=torch.Generator().manual_seed(0))
    yield Case("layers", inputs(drawn, [], device), hidden=False, title="lenet.layers")
    yield Case("forward", inputs(drawn, [x], device), hidden=False, title="lenet.forward")
    if generator is None:
        return
    for dtype in ("float32", "float32", "float64"):
        drawn = weights(generator)
        batches = [torch.randn(n, 1, 32, 32, generator=generator) for n in BATCH_SIZES]
        yield Case(f"LeNet with random weights, {dtype}, on {device}", inputs(drawn, batches, device, dtype),
                   title="lenet.case_random_weights", fields=dict(dtype=f"torch.{dtype}", device=device))
    # Real-looking input: padded MNIST-like images, values in [0, 1] with a zero border.
    digits = F.pad(torch.rand(3, 1, 28, 28, generator=generator), (2, 2, 2, 2))
    yield Case(f"LeNet on padded digits, on {device}",
               inputs(weights(generator, default_scale=True), [digits], device),
               title="lenet.case_padded_digits", fields=dict(device=device))
