"""How values cross between the student's process and the judge: JSON and safetensors, never pickle.

The grading process that ran student code is not trusted, so what it sends back is data only:
tensors (exactly ``torch.Tensor`` or ``nn.Parameter``) go into a safetensors file, plain Python
values (``None``, ``bool``, ``int``, ``float``, ``str``, lists, tuples, dicts with string keys) into
JSON, and anything else becomes a :class:`Returned` that names its type and nothing more. Nothing
the judge reads back can run code, compare equal to everything, or be bigger than the limits here.
The same round trip runs in-process for stock nbgrader, so both paths judge identical values.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from . import simulated_device

MAX_JSON_BYTES = 16 * 2**20
MAX_TENSOR_BYTES = 1 * 2**30
MAX_DEPTH = 32
_PLAIN = (type(None), bool, int, float, str)


class WireError(ValueError):
    """Results that are not what a grading process writes: missing, too big, or malformed."""


@dataclass(frozen=True)
class Returned:
    """Something that is not data (a numpy array, a tensor subclass, a model...): only its type name."""

    type_name: str


def encode(value) -> tuple[object, dict[str, torch.Tensor]]:
    """``value`` as a JSON-able tree plus the tensors it refers to by key."""
    tensors: dict[str, torch.Tensor] = {}
    return _encode(value, tensors, 0), tensors


def _encode(value, tensors: dict, depth: int):
    if depth > MAX_DEPTH:
        return {"__object__": "nested too deeply"}
    kind = type(value)
    if kind is torch.Tensor or kind is torch.nn.Parameter:
        key = f"t{len(tensors)}"
        tensors[key] = value.detach().to("cpu").contiguous().clone()
        return {"__tensor__": key, "device": str(value.device), "requires_grad": bool(value.requires_grad)}
    if kind in _PLAIN:
        return {"__float__": repr(value)} if kind is float and not math.isfinite(value) else value
    if kind is torch.Size:
        return {"__tuple__": [int(n) for n in value]}
    if kind is tuple:
        return {"__tuple__": [_encode(v, tensors, depth + 1) for v in value]}
    if kind is list:
        return [_encode(v, tensors, depth + 1) for v in value]
    if kind is dict and all(type(k) is str for k in value):
        return {"__dict__": {k: _encode(v, tensors, depth + 1) for k, v in value.items()}}
    if kind is torch.dtype or kind is torch.device:
        return {"__text__": str(value), "type": kind.__name__}
    return {"__object__": _type_name(kind)}


def _type_name(kind: type) -> str:
    try:
        name = type.__getattribute__(kind, "__qualname__")
        module = type.__getattribute__(kind, "__module__")
    except Exception:
        return "object"
    name = f"{module}.{name}" if isinstance(module, str) and module not in ("builtins", "__main__") else name
    return name if isinstance(name, str) else "object"


def decode(tree, tensors: dict[str, torch.Tensor]):
    """The value :func:`encode` described; every tensor goes back to the device it was on."""
    return _decode(tree, tensors, 0)


def _decode(tree, tensors: dict, depth: int):
    if depth > MAX_DEPTH:
        raise WireError("results nested too deeply")
    if type(tree) in _PLAIN:
        return tree
    if type(tree) is list:
        return [_decode(v, tensors, depth + 1) for v in tree]
    if type(tree) is not dict or len(tree) == 0:
        raise WireError(f"unexpected {type(tree).__name__} in results")
    if "__tensor__" in tree:
        tensor = tensors.get(tree["__tensor__"])
        if tensor is None:
            raise WireError(f"results refer to a tensor {str(tree['__tensor__'])[:40]!r} that is not there")
        device = _device(tree.get("device", "cpu"))
        if device.type == "cuda" and not torch.cuda.is_available():
            # Sent from a simulated GPU (autograder.simulated_device): the tensor stays on the CPU and
            # carries the device it came from, for simulated_device.adopt.
            setattr(tensor, simulated_device.MARK, str(device))
        else:
            tensor = tensor.to(device)
        if tree.get("requires_grad") is True and tensor.is_floating_point():
            tensor.requires_grad_(True)
        return tensor
    if "__float__" in tree:
        text = tree["__float__"]
        if text not in ("nan", "inf", "-inf"):
            raise WireError(f"not a float: {str(text)[:40]!r}")
        return float(text)
    if "__tuple__" in tree and type(tree["__tuple__"]) is list:
        return tuple(_decode(v, tensors, depth + 1) for v in tree["__tuple__"])
    if "__dict__" in tree and type(tree["__dict__"]) is dict:
        return {str(k): _decode(v, tensors, depth + 1) for k, v in tree["__dict__"].items()}
    if "__text__" in tree:
        return str(tree["__text__"])
    if "__object__" in tree:
        return Returned(str(tree["__object__"])[:120])
    raise WireError("malformed results")


def _device(name) -> torch.device:
    """The device a tensor was on (cpu or cuda; cuda may be simulated, see autograder.simulated_device)."""
    try:
        device = torch.device(str(name))
    except (RuntimeError, ValueError):
        raise WireError(f"unknown device {str(name)[:40]!r}") from None
    if device.type not in ("cpu", "cuda"):
        raise WireError(f"unexpected device {device}")
    return device


def save(value, stem: Path) -> None:
    """Write ``value`` as ``stem.json`` and ``stem.safetensors`` (the JSON last: it marks completion)."""
    tree, tensors = encode(value)
    save_file(tensors, str(stem.with_suffix(".safetensors")))
    temporary = stem.with_suffix(".json.partial")
    temporary.write_text(json.dumps(tree, allow_nan=False), encoding="utf-8")
    os.replace(temporary, stem.with_suffix(".json"))


def load(stem: Path):
    """Read what :func:`save` wrote, refusing anything missing, oversized or malformed."""
    json_path, tensor_path = stem.with_suffix(".json"), stem.with_suffix(".safetensors")
    for path, limit in ((json_path, MAX_JSON_BYTES), (tensor_path, MAX_TENSOR_BYTES)):
        if not path.is_file() or path.is_symlink():
            raise WireError(f"no {path.name}")
        if path.stat().st_size > limit:
            raise WireError(f"{path.name} is larger than {limit // 2**20} MiB")
    try:
        tree = json.loads(json_path.read_text(encoding="utf-8"))
        tensors = load_file(str(tensor_path))
    except Exception as error:  # json's ValueError, OSError, safetensors' SafetensorError
        raise WireError(f"unreadable results ({type(error).__name__})") from None
    return decode(tree, tensors)


def round_trip(value):
    """``value`` as the judge would see it after the worker sent it: used when both run in one process."""
    tree, tensors = encode(value)
    return decode(json.loads(json.dumps(tree, allow_nan=False)), tensors)
