"""What the judges of the model exercises (``network``, ``lenet``) share: reading a model's description.

The probes send what :func:`autograder.models.probe_model` observed: the layers by name, every
parameter, and one observation per forward pass. The references send, per batch, the right logits
and the logits of known mistakes (``{"right": tensor, "mistakes": {key: tensor}}``). These helpers
compare the two and fail through catalogue ids; they compute nothing themselves.
"""

from __future__ import annotations

import torch

from .judging import expect_tensor
from .verdict import CheckFailed, fail


def expect_module(description, exercise: str) -> None:
    """Fail with ``<exercise>.not_module`` unless the answer's class built an ``nn.Module``."""
    if not isinstance(description, dict) or description.get("module") is not True:
        kind = description.get("kind", "?") if isinstance(description, dict) else type(description).__name__
        fail(f"{exercise}.not_module", kind=str(kind))


def children(description: dict) -> str:
    """The names of a model's direct children, for a message (``-`` when it has none)."""
    names = description.get("children")
    return ", ".join(str(name) for name in names) if isinstance(names, list) and names else "-"


def parameters_besides(description: dict, layers) -> tuple[list[str], int]:
    """The parameters that belong to none of ``layers`` (by first name), and the count of all numbers."""
    own = {f"{layer}.{field}" for layer in layers for field in ("weight", "bias")}
    extra, count = [], 0
    entries = description.get("parameters")
    for entry in entries if isinstance(entries, list) else []:
        names = [str(name) for name in entry.get("names", [])] if isinstance(entry, dict) else []
        numel = entry.get("numel") if isinstance(entry, dict) else None
        count += numel if type(numel) is int else 0
        if not own.intersection(names):
            extra.append(names[0] if names else "?")
    return extra, count


def expect_loaded(description: dict, weights: dict) -> list:
    """The forward observations of a description, once the grader's weights were loaded into the model."""
    if "load_error" in description:
        layers = ", ".join(dict.fromkeys(key.split(".")[0] for key in weights))
        fail("model_weights_not_loaded", names=layers, error=str(description["load_error"])[:300])
    observed = description.get("forward")
    return observed if type(observed) is list else []


def forward_observation(observations: list, index: int, name: str) -> dict:
    """One forward observation, or a failure that says the grading process sent none."""
    if index >= len(observations) or type(observations[index]) is not dict:
        fail("model_no_forward", name=name)
    return observations[index]


def fail_crash(observed: dict) -> None:
    """Fail with what the probe saw when ``model(x)`` raised (not implemented, or a crash)."""
    crashed = observed.get("crashed")
    if isinstance(crashed, dict) and crashed.get("id") in ("not_implemented", "crashed") \
            and isinstance(crashed.get("fields"), dict):
        try:
            fail(crashed["id"], **{str(k): str(v)[:300] for k, v in crashed["fields"].items()})
        except (KeyError, IndexError, ValueError):  # fields no probe sends: forged or broken
            pass
    raise CheckFailed(str(observed.get("cause", crashed))[:300], "crashed_plain")


def expect_input_untouched(observed: dict, name: str) -> None:
    if observed.get("input_changed") is not False:
        fail("input_modified", name=name)


def logits_tolerance(dtype: torch.dtype) -> dict[str, float]:
    """How close logits must be: float32 and float64 sums in another order stay well inside."""
    return {"atol": 1e-5, "rtol": 1e-4} if dtype != torch.float64 else {"atol": 1e-10, "rtol": 1e-8}


def expect_logits(actual, expected: dict, what: str, mistakes: dict[str, tuple[str, dict]]) -> None:
    """``actual`` against ``expected["right"]``; when it is off but equals a known mistake, name the mistake.

    ``mistakes``: key of ``expected["mistakes"]`` → (message id, fields), tried in order.
    """
    right = expected["right"]
    tolerance = logits_tolerance(right.dtype)
    comparable = (type(actual) is torch.Tensor and actual.shape == right.shape and actual.dtype == right.dtype
                  and actual.device == right.device)
    if comparable and not close(actual, right, tolerance):
        for key, (message_id, fields) in mistakes.items():
            variant = expected["mistakes"].get(key)
            if variant is not None and close(actual, variant, tolerance):
                fail(message_id, **fields)
    expect_tensor(actual, right, what, **tolerance)


def close(a: torch.Tensor, b: torch.Tensor, tolerance: dict) -> bool:
    a, b = a.detach(), b.detach()
    return a.shape == b.shape and a.dtype == b.dtype and bool(torch.allclose(a, b, **tolerance))


DTYPES = {"float32": torch.float32, "float64": torch.float64}


def logits_per_batch(inputs: dict, forward, variants: dict) -> dict:
    """What a model reference sends: per batch of ``inputs``, the logits of each variant of ``forward``.

    ``variants`` maps a key to ``forward``'s keyword arguments; ``"right"`` is the right model, the
    others are known mistakes. The weights and batches are the case's; ``forward`` is the reference's
    own (this module holds no model).
    """
    dtype = DTYPES[inputs["dtype"]]
    w = {key: value.to(device=inputs["device"], dtype=dtype) for key, value in inputs["weights"].items()}
    batches = []
    for x in inputs["batches"]:
        logits = {key: forward(w, x, **variant) for key, variant in variants.items()}
        right = logits.pop("right")
        batches.append({"right": right, "mistakes": logits})
    return {"batches": batches}
