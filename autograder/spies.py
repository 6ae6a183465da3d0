"""Spies for the probes of training-loop exercises (``train_epoch``, ``evaluate``): what a loop did, as data.

A training or evaluation loop can go wrong in ways that no single output shows, so its probe hands it
objects that watch it, built from a *spec* of plain data (sizes, dtype, device, optimizer name,
label smoothing, data, initial weights and running statistics):

* :func:`spec_loader`: a real DataLoader whose batches remember whether they were moved
  (:class:`UnmovedBatch` becomes a plain tensor only through ``.to(...)`` / ``.cuda()``); the inputs
  are held negated until they are moved (:class:`DisguisedBatch`), so a loop on batches it never
  moved also computes other numbers;
* :func:`spec_model`: the spec's model with a :class:`Spy` in front, which records ``model.training``
  and ``torch.is_grad_enabled()`` at every forward pass and fails at once on a batch never moved, and
  an :class:`OutputSpy` at the end;
* :func:`spec_criterion`: cross-entropy (with the spec's label smoothing) that fails on labels never moved;
* a :class:`Retention` shared by the spies: it keeps a weak reference to each batch's outputs and loss
  (and to their autograd graph) and counts, at every forward pass, how many batches before the previous
  one are still alive: a loop whose memory grows with the number of batches (``total += loss``, a list
  of loss tensors or of outputs) shows there.

Nothing here computes an answer or compares anything: the exercises' judges do, with their references.
This module runs in the student's kernel (visible check) and in the grading sandbox.
"""

from __future__ import annotations

import gc
import weakref

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data._utils.collate import default_collate

from .verdict import fail

DTYPES = {"float32": torch.float32, "float64": torch.float64}
"""The dtypes a spec may name."""

OPTIMIZERS = {
    "SGD(lr=0.5)": lambda params: torch.optim.SGD(params, lr=0.5),
    "SGD(lr=0.3)": lambda params: torch.optim.SGD(params, lr=0.3),
    "SGD(lr=0.1)": lambda params: torch.optim.SGD(params, lr=0.1),
    "SGD(lr=0.2, momentum=0.9)": lambda params: torch.optim.SGD(params, lr=0.2, momentum=0.9),
    "SGD(lr=0.1, momentum=0.9)": lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9),
    "Adam(lr=0.05)": lambda params: torch.optim.Adam(params, lr=0.05),
}
"""The optimizers a spec may name, by the name it uses."""

STATISTICS = ("running_mean", "running_var", "num_batches_tracked")
"""The BatchNorm buffers of a spec's model, in order."""


class UnmovedBatch(torch.Tensor):
    """A batch as the watched loader hands it out; ``.to(...)`` or ``.cuda()`` turn it into a plain tensor.

    Any other operation keeps the type, so a batch that reaches the model or the loss as an
    ``UnmovedBatch`` was never moved to the device, even on a machine where that device is the CPU.
    """

    _MOVES = (torch.Tensor.to, torch.Tensor.cuda)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        if func in cls._MOVES:
            with torch._C.DisableTorchFunctionSubclass():
                moved = func(*args, **(kwargs or {})).as_subclass(torch.Tensor)
            return torch.neg(moved) if args and isinstance(args[0], DisguisedBatch) else moved
        return super().__torch_function__(func, types, args, kwargs)


class DisguisedBatch(UnmovedBatch):
    """An :class:`UnmovedBatch` that holds the batch negated: only a move gives back the true values."""


def _unmoved_collate(batch):
    return tuple(t.as_subclass(UnmovedBatch) for t in default_collate(batch))


def _disguised_collate(batch):
    inputs, *rest = default_collate(batch)
    return (torch.neg(inputs).as_subclass(DisguisedBatch), *(t.as_subclass(UnmovedBatch) for t in rest))


def watched_loader(inputs: torch.Tensor, labels: torch.Tensor, batch_size: int, disguise: bool = False) -> DataLoader:
    """A real DataLoader (in order, CPU tensors) whose batches remember whether they were moved.

    With ``disguise``, the inputs of each batch are a :class:`DisguisedBatch` (negated until moved).
    The loader has its own generator, so going over it draws nothing from torch's global one.
    """
    return DataLoader(TensorDataset(inputs, labels), batch_size=batch_size, shuffle=False,
                      collate_fn=_disguised_collate if disguise else _unmoved_collate,
                      generator=torch.Generator())


def _check_moved(tensor, device: torch.device, name: str, what: str) -> None:
    if type(tensor) is not torch.Tensor:
        fail(f"batch_{what}_not_moved", name=name)
    if tensor.device.type != device.type:
        fail("batch_wrong_device", name=name, actual=tensor.device, expected=device)


class _Token:
    """Lives exactly as long as the autograd graph it is put into (in its last node's metadata)."""


class Retention:
    """Which batches' outputs and losses (tensors and autograd graphs) are still alive.

    ``track(tensor)`` notes a tensor of the current batch; :meth:`forward_started` (at each forward
    pass) moves on to the next batch and records how many batches before the previous one are still
    alive: a loop that drops what it no longer needs keeps none of them.
    """

    def __init__(self):
        self.batch = -1
        self.refs: list[list[weakref.ref]] = []
        self.stale: list[int] = []

    def forward_started(self) -> None:
        self.batch += 1
        self.refs.append([])
        self.stale.append(self.alive(before=self.batch - 1))

    def track(self, tensor) -> None:
        if self.batch < 0 or not isinstance(tensor, torch.Tensor):
            return
        self.refs[self.batch].append(weakref.ref(tensor))
        node = tensor.grad_fn
        if node is not None:
            token = _Token()
            node.metadata.setdefault("autograder.spies", []).append(token)
            self.refs[self.batch].append(weakref.ref(token))

    def alive(self, before: int | None = None) -> int:
        """How many batches (of those before index ``before``, default all) still hold something alive."""
        batches = self.refs if before is None else self.refs[:max(before, 0)]
        return sum(any(ref() is not None for ref in refs) for refs in batches)

    def report(self) -> dict:
        """As plain data, after the call: the most stale batches alive at a forward pass, and alive now.

        What only a reference cycle keeps is not held: a full garbage collection frees it, but only when
        something looks alive (it costs 0.15 s in a kernel that has imported torch, on every call)."""
        after = self.alive()
        if after:
            gc.collect()
            after = self.alive()
        return {"during": max(self.stale, default=0), "after": after, "batches": len(self.refs)}


class Spy(nn.Module):
    """An identity layer at the front: records the mode and autograd at each forward pass; fails on unmoved batches."""

    def __init__(self, device, name: str, retention: Retention):
        super().__init__()
        self.device, self.name, self.retention = torch.device(device), name, retention
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x):
        _check_moved(x, self.device, self.name, "inputs")
        self.calls.append((self.training, torch.is_grad_enabled()))
        self.retention.forward_started()
        return x


class OutputSpy(nn.Module):
    """An identity layer at the end: notes each batch's outputs (and their graph) for :class:`Retention`."""

    def __init__(self, retention: Retention):
        super().__init__()
        self.retention = retention

    def forward(self, x):
        self.retention.track(x)
        return x


class SpyLoss(nn.Module):
    """Cross-entropy that fails on labels never moved to the device, and notes each batch's loss."""

    def __init__(self, device, name: str, label_smoothing: float, retention: Retention):
        super().__init__()
        self.device, self.name, self.retention = torch.device(device), name, retention
        self.loss = nn.CrossEntropyLoss(label_smoothing=label_smoothing)

    def forward(self, outputs, labels):
        _check_moved(labels, self.device, self.name, "labels")
        loss = self.loss(outputs, labels)
        self.retention.track(loss)
        return loss


def make_optimizer(name: str, params: list) -> torch.optim.Optimizer:
    """The optimizer a spec names (a key of :data:`OPTIMIZERS`) over ``params``."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}")
    return OPTIMIZERS[name](params)


def spec_model(spec: dict, name: str = "reference", retention: Retention | None = None) -> nn.Sequential:
    """The model a spec describes: Spy → Linear (no bias) → BatchNorm1d → ReLU (→ Dropout) → Linear → OutputSpy.

    ``spec["weights"]`` are its parameters in order, ``spec["buffers"]`` the BatchNorm running mean,
    variance and count; ``spec["dtype"]`` names a key of :data:`DTYPES`, ``spec["device"]`` the device.
    A BatchNorm layer normalizes with the batch in training mode and with its running statistics in
    evaluation mode (which it updates only in training mode), so the mode shows in the numbers.
    The first Linear has no bias: BatchNorm takes the batch mean away, so a bias there would get a
    gradient that is zero but for rounding, and Adam, which divides by the gradient's size, would
    turn that rounding into steps of a whole learning rate, different on every machine.
    """
    weights, buffers = spec["weights"], spec["buffers"]
    n_hidden, n_in = weights[0].shape
    n_out = weights[-1].shape[0]
    device, dtype = torch.device(spec["device"]), DTYPES[spec["dtype"]]
    retention = Retention() if retention is None else retention
    with torch.random.fork_rng(devices=[]):  # the layers' own initialization is overwritten below
        layers = [Spy(device, name, retention), nn.Linear(n_in, n_hidden, bias=False), nn.BatchNorm1d(n_hidden),
                  nn.ReLU()]
        if spec.get("dropout"):
            layers.append(nn.Dropout(float(spec["dropout"])))
        layers += [nn.Linear(n_hidden, n_out), OutputSpy(retention)]
    model = nn.Sequential(*layers).to(device=device, dtype=dtype)
    own_parameters, own_buffers = list(model.parameters()), list(model.buffers())
    if [tuple(w.shape) for w in weights] != [tuple(p.shape) for p in own_parameters] \
            or [tuple(b.shape) for b in buffers] != [tuple(b.shape) for b in own_buffers]:
        raise ValueError("the spec's weights do not fit its model")
    with torch.no_grad():
        for target, value in zip(own_parameters + own_buffers, [*weights, *buffers]):
            target.copy_(value)
    return model


def random_spec_weights(n_in: int, n_hidden: int, n_out: int, generator: torch.Generator,
                        dtype: torch.dtype) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Weights and BatchNorm running statistics for :func:`spec_model`, drawn from ``generator``."""
    def randn(*shape):
        return torch.randn(shape, generator=generator, dtype=dtype)

    weights = [randn(n_hidden, n_in) * 0.7,                                   # fc1 (no bias)
               1 + 0.3 * randn(n_hidden), 0.3 * randn(n_hidden),              # BatchNorm's scale and shift
               randn(n_out, n_hidden) * 0.7, randn(n_out) * 0.7]              # fc2
    buffers = [0.5 * randn(n_hidden), 0.5 + torch.rand(n_hidden, generator=generator, dtype=dtype),
               torch.tensor(3, dtype=torch.long)]                             # running mean, variance, count
    return weights, buffers


def spec_loader(spec: dict) -> DataLoader:
    """The watched, disguised loader over the spec's ``inputs`` and ``labels`` (CPU tensors)."""
    return watched_loader(spec["inputs"], spec["labels"], int(spec["batch_size"]), disguise=True)


def spec_criterion(spec: dict, name: str, retention: Retention) -> SpyLoss:
    """The spec's loss: cross-entropy with its ``label_smoothing``, failing on labels never moved."""
    return SpyLoss(spec["device"], name, float(spec.get("label_smoothing", 0.0)), retention)


def spy_calls(model: nn.Sequential) -> list[list[bool]]:
    """What the model's front Spy recorded, as plain data: ``[training, grad_enabled]`` at each forward pass."""
    return [[bool(training), bool(grad)] for training, grad in model[0].calls]


def retention_of(model: nn.Sequential) -> Retention:
    return model[0].retention


def plain_number(value):
    """A float subclass (numpy.float64) as a Python float; anything else as it is, for the wire to report."""
    if type(value) is not float and type(value) is not bool and isinstance(value, float):
        return float(value)
    return value
