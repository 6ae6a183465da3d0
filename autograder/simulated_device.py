"""A GPU that is not there: tensors "on cuda" that live on the CPU, so device bugs show on any machine.

Grading runs on machines without a GPU, where an answer that forgets ``.to(device)`` works anyway.
Inside :func:`simulated`, every tensor has a *logical* device: factories and ``.to``/``.cuda``/
``.cpu`` (and ``nn.Module.to``) run on the CPU but mark their result with the device asked for,
``tensor.device`` and ``is_cuda`` report that mark, and any operation that mixes tensors of two
logical devices raises the error PyTorch raises on a real GPU ("Expected all tensors to be on the
same device ..."), which the probes turn into the sentence a student would get there. Values are
computed on the CPU as usual, so the same judges compare them.

It works above the dispatcher, as a ``TorchFunctionMode``: a real CUDA call would try to start the
CUDA runtime first. Marks are kept by object identity; a tensor made outside (or by autograd's
engine, such as ``.grad``, which takes its parameter's mark) counts as being where it really is.
Tensors that cross the wire keep their mark (``autograder.wire`` writes the logical device and
:func:`adopt` restores it).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils.weak import WeakIdRef


class _Marks:
    """The logical devices of tensors, by identity, forgotten when a tensor dies.

    A dict keyed by ``id()`` holding torch's ``WeakIdRef`` (it survives a tensor's PyObject being
    resurrected), whose callback removes the entry: torch's ``WeakIdKeyDictionary`` makes a new weak
    reference on every lookup, and a simulation looks up every tensor of every torch call (a quarter
    of the hidden tests' time went there)."""

    def __init__(self):
        self._by_id: dict[int, tuple[WeakIdRef, torch.device]] = {}

    def get(self, tensor) -> torch.device | None:
        entry = self._by_id.get(id(tensor))
        return entry[1] if entry is not None and entry[0]() is tensor else None

    def __contains__(self, tensor) -> bool:
        return self.get(tensor) is not None

    def __setitem__(self, tensor, device: torch.device) -> None:
        key, by_id = id(tensor), self._by_id
        entry = by_id.get(key)
        if entry is not None and entry[0]() is tensor:
            by_id[key] = (entry[0], device)
            return

        def forget(ref, key=key):  # runs while the tensor is freed: no other object has its id yet
            if by_id.get(key, (None,))[0] is ref:
                by_id.pop(key, None)

        by_id[key] = (WeakIdRef(tensor, forget), device)


_marks = _Marks()
MARK = "_simulated_device"
"""Attribute with which ``autograder.wire`` hands over a decoded tensor's logical device (see :func:`adopt`)."""

_MOVES = {"to", "cuda", "cpu"}
_UNTOUCHED = {"_parse_to"}
"""Functions that only read their arguments (``nn.Module.to`` parses its device with ``_parse_to``)."""
_NO_MIXING_CHECK = {"copy_", "__getitem__", "__setitem__", "__repr__", "__format__", "__str__", "new_tensor"}


def needed() -> bool:
    """Whether CUDA cases must be simulated here: there is no real GPU."""
    return not torch.cuda.is_available()


def device_of(tensor: torch.Tensor) -> torch.device:
    """The logical device of ``tensor``: its mark, else where it really is."""
    mark = _marks.get(tensor)
    return mark if mark is not None else torch._C.TensorBase.device.__get__(tensor)


def mark(tensor: torch.Tensor, device) -> torch.Tensor:
    _marks[tensor] = _normal(device)
    return tensor


def tensors_in(tree) -> list[torch.Tensor]:
    """Every tensor in nested tuples (named ones too), lists and dicts, in order (the first one is where
    ``copy_`` and ``__setitem__`` write): what torch functions take and return. Called twice on every torch
    function in a simulation, where pytree's general flattening cost 30 µs."""
    if isinstance(tree, torch.Tensor):
        return [tree]
    found, stack, seen = [], [tree], set()
    while stack:
        item = stack.pop()
        if isinstance(item, torch.Tensor):
            found.append(item)
        elif isinstance(item, (tuple, list, dict)) and id(item) not in seen:
            seen.add(id(item))  # a list that holds itself is walked once
            stack.extend(reversed(list(item.values()) if isinstance(item, dict) else item))
    return found


def adopt(tree) -> None:
    """Give every tensor in ``tree`` that ``autograder.wire`` decoded the logical device it was sent from."""
    for leaf in tensors_in(tree):
        if isinstance(getattr(leaf, MARK, None), str):
            mark(leaf, getattr(leaf, MARK))


def move(tree, device):
    """``tree`` with every tensor moved to ``device`` (inside :func:`simulated`: marked copies)."""
    from torch.utils._pytree import tree_map

    return tree_map(lambda leaf: leaf.to(device) if isinstance(leaf, torch.Tensor) else leaf, tree)


def _normal(device) -> torch.device:
    if isinstance(device, torch.device) and (device.type != "cuda" or device.index is not None):
        return device  # already normal: the common case, on every result of every call
    device = torch.device(device)
    return torch.device("cuda", 0) if device.type == "cuda" and device.index is None else device


def _is_device(value) -> bool:
    if isinstance(value, torch.device):
        return True
    if isinstance(value, str):
        try:
            torch.device(value)
        except (RuntimeError, ValueError):
            return False
        return True
    return isinstance(value, int) and not isinstance(value, bool)


class _Simulation(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = dict(kwargs or {})
        name = getattr(func, "__name__", "")
        if name in _UNTOUCHED:
            return func(*args, **kwargs)
        if name in _MOVES and args and isinstance(args[0], torch.Tensor):
            return self._move(func, name, args, kwargs)
        if name == "numpy" and args and device_of(args[0]).type != "cpu":
            raise TypeError(f"can't convert {device_of(args[0])} device type tensor to numpy. "
                            "Use Tensor.cpu() to copy the tensor to host memory first.")
        if name == "get_device" and args:
            device = device_of(args[0])
            return device.index if device.type != "cpu" else -1
        asked = kwargs.get("device")
        if asked is not None:
            kwargs["device"] = "cpu"
        where = _normal(asked) if asked is not None else self._common_device(name, args, kwargs)
        result = func(*args, **kwargs)
        for leaf in tensors_in(result):
            mark(leaf, where)
        return result

    @staticmethod
    def _common_device(name: str, args, kwargs) -> torch.device:
        devices = []
        for leaf in tensors_in((args, kwargs)):
            device = device_of(leaf)
            if not (device.type == "cpu" and leaf.dim() == 0) and device not in devices:
                devices.append(device)
        if len(devices) > 1 and name not in _NO_MIXING_CHECK:
            first, second = sorted(devices, key=lambda d: d.type != "cuda")[:2]
            raise RuntimeError("Expected all tensors to be on the same device, but found at least two devices, "
                               f"{first} and {second}!")
        return devices[0] if devices else torch.device("cpu")

    @staticmethod
    def _move(func, name: str, args, kwargs):
        tensor, rest = args[0], list(args[1:])
        if name == "cpu":
            target = torch.device("cpu")
        elif name == "cuda":
            index = rest[0] if rest and rest[0] is not None else kwargs.get("device")
            target = _normal(f"cuda:{index}" if isinstance(index, int) else index or "cuda")
            rest, kwargs = [], {k: v for k, v in kwargs.items() if k != "device"}
            func = torch.Tensor.to
        else:  # to(device), to(dtype), to(other), to(device, dtype), to(device=...)
            target = device_of(tensor)
            if rest and isinstance(rest[0], torch.Tensor):
                target, rest[0] = device_of(rest[0]), rest[0].dtype
            elif rest and _is_device(rest[0]):
                target, rest[0] = _normal(rest[0]), "cpu"
            if kwargs.get("device") is not None:
                target, kwargs["device"] = _normal(kwargs["device"]), "cpu"
        moved = func(tensor, *rest, **kwargs)
        if moved is tensor and target != device_of(tensor):
            moved = tensor.clone()  # a real move makes a new tensor; the original stays where it was
        return mark(moved, target)


def _module_to(original):
    def to(module: nn.Module, *args, **kwargs):
        device, dtype, non_blocking, _ = torch._C._nn._parse_to(*args, **kwargs)
        result = original(module, *([dtype] if dtype is not None else []), non_blocking=non_blocking) \
            if dtype is not None else module
        if device is not None:
            for tensor in [*module.parameters(), *module.buffers()]:
                mark(tensor, device)
        return result

    return to


_thread = threading.local()
_patches_lock = threading.Lock()
_patched_by = 0
_originals: dict = {}
"""The class attributes replaced while any thread simulates, and how many threads do: the grader judges
several students at once, and a thread that left the simulation must not undo it for another one."""


def _simulating() -> bool:
    return getattr(_thread, "depth", 0) > 0


@contextmanager
def simulated():
    """Run the block as if this machine had a GPU called ``cuda`` (see the module's docstring).

    Only the calling thread simulates: ``Tensor.device``, ``is_cuda``, ``.grad`` and ``Module.to`` are
    replaced for the whole process while any thread needs them, but answer with the real device in
    threads that do not simulate, and the originals come back when the last thread leaves.
    """
    _enter()
    _thread.depth = getattr(_thread, "depth", 0) + 1
    try:
        with _Simulation():
            yield
    finally:
        _thread.depth -= 1
        _leave()


def _enter() -> None:
    global _patched_by
    with _patches_lock:
        if _patched_by == 0:
            _install()
        _patched_by += 1


def _leave() -> None:
    global _patched_by
    with _patches_lock:
        _patched_by -= 1
        if _patched_by == 0:
            _uninstall()


def _install() -> None:
    base = torch._C.TensorBase
    _originals.update({("tensor", name): torch.Tensor.__dict__.get(name) for name in ("device", "is_cuda", "grad")})
    _originals.update({("module", name): nn.Module.__dict__[name] for name in ("to", "cuda", "cpu")})
    _originals["parameter_new"] = parameter_new = nn.Parameter.__dict__["__new__"]
    module_to, module_cuda, module_cpu = (_originals[("module", name)] for name in ("to", "cuda", "cpu"))

    def new_parameter(cls, data=None, requires_grad=True):
        parameter = parameter_new.__get__(None, cls)(cls, data, requires_grad)
        if _simulating() and isinstance(data, torch.Tensor):
            mark(parameter, device_of(data))
        return parameter

    def device(tensor):
        return device_of(tensor) if _simulating() else base.device.__get__(tensor)

    def grad_get(tensor):
        grad = base.grad.__get__(tensor)
        if grad is not None and _simulating() and grad not in _marks:
            mark(grad, device_of(tensor))
        return grad

    simulated_to = _module_to(module_to)
    torch.Tensor.device = property(device)
    torch.Tensor.is_cuda = property(lambda t: device(t).type == "cuda")
    torch.Tensor.grad = property(grad_get, lambda t, value: base.grad.__set__(t, value),
                                 lambda t: base.grad.__delete__(t))
    nn.Module.to = lambda module, *args, **kwargs: (simulated_to if _simulating() else module_to)(module, *args, **kwargs)
    nn.Module.cuda = lambda module, device=None: module.to(_normal(f"cuda:{device}" if device is not None else "cuda")) \
        if _simulating() else module_cuda(module, device)
    nn.Module.cpu = lambda module: module.to("cpu") if _simulating() else module_cpu(module)
    nn.Parameter.__new__ = new_parameter  # a parameter is where its data is


def _uninstall() -> None:
    for key, value in list(_originals.items()):
        if key == "parameter_new":
            nn.Parameter.__new__ = value
            continue
        owner, name = key
        target = torch.Tensor if owner == "tensor" else nn.Module
        if value is None:
            delattr(target, name)
        else:
            setattr(target, name, value)
    _originals.clear()
