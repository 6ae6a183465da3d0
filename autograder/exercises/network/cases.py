"""The inputs of ``Network``: three public cases the student sees, and hidden ones with other weights.

Every case names the layers to describe, the weights (a state_dict of CPU float32 tensors) the probe
loads into the student's model, the device and dtype to move it to, and the batches to run.
Public: the layers alone; five digit-like images (N, 1, 28, 28); the same images as a flat (N, 784)
batch. Hidden, drawn from the course seed: two sets of weights in float32 and one in float64 (after
``model.double()``: forward must not force float32), on batches of 1, 3 and 17 in both shapes.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

LAYERS = {"fc1": (784, 128), "fc2": (128, 64), "fc3": (64, 10)}
"""Each layer's name and (in_features, out_features)."""
BATCH_SIZES = (1, 3, 17)
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def weights(generator: torch.Generator) -> dict[str, torch.Tensor]:
    """Random weights for fc1, fc2, fc3 (He-scaled, biases not zero), by state_dict name."""
    drawn = {}
    for name, (n_in, n_out) in LAYERS.items():
        drawn[f"{name}.weight"] = torch.randn(n_out, n_in, generator=generator) * (2.0 / n_in) ** 0.5
        drawn[f"{name}.bias"] = torch.randn(n_out, generator=generator) * 0.1
    return drawn


def digit_like_batch(n: int, generator: torch.Generator, dtype=torch.float32) -> torch.Tensor:
    """(n, 1, 28, 28) values in [0, 1], mostly 0 like the background of an MNIST digit."""
    noise = torch.rand(n, 1, 28, 28, generator=generator, dtype=dtype)
    return ((noise - 0.6) * 2.5).clamp(min=0.0, max=1.0)


def inputs(drawn: dict, batches: list, device: str, dtype: str = "float32", same_as=None) -> dict:
    """One case: ``same_as[i]`` names an earlier batch that holds the same images in another shape."""
    return {"layers": list(LAYERS), "weights": drawn, "device": device, "dtype": dtype,
            "batches": [x.to(device) for x in batches], "same_as": same_as or [-1] * len(batches)}


def cases(device: str, generator: torch.Generator | None):
    drawn = weights(torch.Generator().manual_seed(20))
    images = digit_like_batch(5, torch.Generator().manual_seed(0))
    yield Case("layers", inputs(drawn, [], device), hidden=False, title="network.layers")
    yield Case("images", inputs(drawn, [images], device), hidden=False, title="network.images")
    yield Case("flat", inputs(drawn, [images, images.flatten(start_dim=1)], device, same_as=[-1, 0]),
               hidden=False, title="network.flat")
    if generator is None:
        return
    for dtype in ("float32", "float32", "float64"):
        drawn, batches, same_as = weights(generator), [], []
        for n in BATCH_SIZES:
            images = digit_like_batch(n, generator, DTYPES[dtype])
            batches += [images, images.flatten(start_dim=1), torch.randn(n, 784, generator=generator, dtype=DTYPES[dtype])]
            same_as += [-1, len(batches) - 3, -1]
        yield Case(f"Network with random weights, {dtype}, on {device}",
                   inputs(drawn, batches, device, dtype, same_as),
                   title="network.case_random_weights", fields=dict(dtype=f"torch.{dtype}", device=device))
