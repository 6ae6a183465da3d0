"""A student's ``nn.Module`` as plain data: its layers by name, their settings, every parameter, its outputs.

The probes of the model exercises (``network``, ``lenet``) build the student's class, describe it,
load the grader's weights into it and run it on the case's batches; what they send back is a
description (data), never the model. Everything here observes; nothing compares with an answer.
The judges read these descriptions with :mod:`autograder.judging_models`.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .probing import call, describe

SETTINGS = ("in_features", "out_features", "in_channels", "out_channels", "kernel_size", "stride",
            "padding", "dilation", "groups", "padding_mode")
"""The attributes of a layer that a description records, where the layer has them."""


def type_names(kind: type) -> list[str]:
    """``module.qualname`` of a class and of every class it derives from, nearest first."""
    names = []
    for base in getattr(kind, "__mro__", (kind,)):
        module, name = getattr(base, "__module__", ""), getattr(base, "__qualname__", "?")
        names.append(f"{module}.{name}" if module not in ("builtins", "__main__") else str(name))
    return names


def describe_layer(layer) -> dict | None:
    """A layer's type (short name and full lineage), its settings and whether it has a bias; None if absent."""
    if layer is None:
        return None
    kind = type(layer)
    settings = {}
    for field in SETTINGS:
        value = getattr(layer, field, describe_layer)  # a sentinel: the attribute is missing
        if value is not describe_layer:
            settings[field] = value
    return {"type": kind.__name__, "types": type_names(kind), "settings": settings,
            "bias": getattr(layer, "bias", None) is not None}


def describe_model(model, layers) -> dict:
    """What ``model`` is made of: the named ``layers`` (looked up as attributes), its children, parameters, buffers.

    ``parameters`` lists every distinct parameter once, with all the names it is registered under
    (a layer kept both in ``self.fc1`` and in a container is one parameter with two names) and the
    count of its numbers.
    """
    if not isinstance(model, nn.Module):
        return {"module": False, "kind": type(model).__name__}
    parameters: dict[int, dict] = {}
    for name, parameter in model.named_parameters(remove_duplicate=False):
        entry = parameters.setdefault(id(parameter), {"names": [], "shape": tuple(parameter.shape),
                                                      "numel": math.prod(parameter.shape)})
        entry["names"].append(name)
    return {
        "module": True,
        "kind": type(model).__name__,
        "children": [name for name, _ in model.named_children()],
        "layers": {name: describe_layer(getattr(model, name, None)) for name in layers},
        "parameters": list(parameters.values()),
        "buffers": [{"name": name, "shape": tuple(buffer.shape)} for name, buffer in model.named_buffers()],
    }


def load_weights(model: nn.Module, weights: dict[str, torch.Tensor]) -> None:
    """Copy ``weights`` (``"fc1.weight"``: tensor, as in a state_dict) into the model's parameters of those names."""
    with torch.no_grad():
        for key, value in weights.items():
            *path, leaf = key.split(".")
            owner = model
            for part in path:
                owner = getattr(owner, part)
            getattr(owner, leaf).copy_(value)


def observe_forward(model, x: torch.Tensor, name: str, retry_flat: bool = False) -> dict:
    """``model(x)`` as data: the result and whether ``x`` was written to, or the crash and its cause.

    A crash is reported as ``crashed`` (a catalogue id and its fields) and ``cause`` (``Type: text``
    of the exception). With ``retry_flat``, a crash on a batch of images also records whether the
    model runs on the same batch flattened to (N, features), for a "flatten your input" hint.
    """
    original, version = x.clone(), x._version
    try:
        result = model(x)
    except NotImplementedError:
        return {"crashed": {"id": "not_implemented", "fields": {"name": name}}, "cause": "NotImplementedError"}
    except Exception as error:
        observed = {"crashed": {"id": "crashed", "fields": {"name": name, "args": describe(x),
                                                           "error": type(error).__name__,
                                                           "detail": str(error)[:300]}},
                    "cause": f"{type(error).__name__}: {error}"[:500]}
        if retry_flat and x.dim() == 4:
            observed["works_flat"] = works_flat(model, x)
        return observed
    return {"result": result, "input_changed": x._version != version or not torch.equal(x, original)}


def works_flat(model, x: torch.Tensor) -> bool:
    """Whether ``model`` runs on ``x`` flattened to (N, features)."""
    try:
        model(x.flatten(start_dim=1))
    except Exception:
        return False
    return True


def probe_model(cls, name: str, inputs: dict, retry_flat: bool = False) -> dict:
    """Everything a model exercise's judge needs to know about ``cls()``, as data.

    ``inputs`` holds ``layers`` (names to describe), ``weights`` (state_dict-style tensors to load),
    ``device``, ``dtype`` (``"float32"`` or ``"float64"``: the latter calls ``model.double()``) and
    ``batches`` (the inputs of the forward passes). Returns :func:`describe_model`'s description with
    ``load_error`` (why the weights could not be loaded) or ``forward`` (one :func:`observe_forward` per batch).
    """
    model = call(cls, name=name)
    report = describe_model(model, inputs["layers"])
    if not report["module"]:
        return report
    try:
        load_weights(model, inputs["weights"])
    except Exception as error:
        report["load_error"] = f"{type(error).__name__}: {error}"[:300]
        return report
    model = model.to(inputs["device"])
    if inputs["dtype"] == "float64":
        model = model.double()
    report["forward"] = [observe_forward(model, x, f"{name}.forward", retry_flat) for x in inputs["batches"]]
    return report
