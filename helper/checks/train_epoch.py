"""Visible checks for ``train_epoch(model, loader, criterion, optimizer, device)`` (lesson 6).

A training epoch can go wrong in ways that no single output shows, so the checks watch it:

* the loader hands out batches that know whether they were moved: :class:`UnmovedBatch` turns into
  a plain tensor only through ``.to(...)`` / ``.cuda()``, and a :class:`Spy` layer at the front of the
  model (and :class:`SpyLoss` around the criterion) fail at once on a batch that never was;
* the spy also records ``model.training`` and ``torch.is_grad_enabled()`` at every forward pass;
* the parameters after the epoch are compared with a reference epoch run from the same initial state
  (a deep copy); when they differ, they are compared with the usual wrong loops too (no ``zero_grad``,
  ``step`` before ``backward``), so the message names the mistake;
* the returned number must be a Python float equal to the per-sample mean of the batch losses, and
  the last batch is smaller than the others, so the last batch's loss or the plain mean of the batch
  losses are told apart from it.

The loader of the checks holds each batch's inputs negated (:class:`DisguisedBatch`) and a move gives
back the true values, so an epoch on batches that were never moved also ends with wrong parameters.

The hidden tests (``autograder/exercises/train_epoch.py``) describe each epoch as a *spec* of plain
data (sizes, dtype, optimizer name, label smoothing, data, initial weights and running statistics);
:func:`spec_model`, :func:`spec_loader`, :func:`spec_criterion` and :func:`make_optimizer` build the
same objects from it in the grading process (``autograder/probes/train_epoch.py``) and in the judge.
``helper/checks/evaluate.py`` reuses the spies.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torch.utils.data._utils.collate import default_collate

from ..i18n import add_messages, message
from .core import CheckFailed, call, passed, type_name

add_messages({
    "train_epoch_not_moved": {
        "en": "{name}: the {what} of a batch reached the {where} without being moved to the device. "
              "Move every batch first: `inputs, labels = inputs.to(device), labels.to(device)`.",
        "zh": "{name}：一个批次的{what}没有先移到 device 上，就直接进入了{where}。"
              "请先移动每个批次：`inputs, labels = inputs.to(device), labels.to(device)`。",
    },
    "train_epoch_inputs": {"en": "inputs", "zh": "输入"},
    "train_epoch_labels": {"en": "labels", "zh": "标签"},
    "train_epoch_model": {"en": "model", "zh": "模型"},
    "train_epoch_criterion": {"en": "loss function (criterion)", "zh": "损失函数（criterion）"},
    "train_epoch_wrong_device": {
        "en": "{name}: the model received inputs on {actual}, but device is {expected}.",
        "zh": "{name}：模型收到的输入位于 {actual}，但 device 是 {expected}。",
    },
    "train_epoch_no_forward": {
        "en": "train_epoch never called the model: loop over the loader and compute `model(inputs)` for each batch.",
        "zh": "train_epoch 从来没有调用模型：请遍历 loader，对每个批次计算 `model(inputs)`。",
    },
    "train_epoch_batches": {
        "en": "train_epoch ran the model on {actual} batch(es), but the loader has {expected}: "
              "go through the loader exactly once, one forward pass per batch.",
        "zh": "train_epoch 对 {actual} 个批次运行了模型，但 loader 中有 {expected} 个批次："
              "请把 loader 恰好遍历一遍，每个批次做一次前向传播。",
    },
    "train_epoch_eval_mode": {
        "en": "The model was in evaluation mode during training (model.training was False in {count} of "
              "{total} forward passes). Call `model.train()` at the start of train_epoch: layers such as "
              "Dropout behave differently in the two modes, and the model may arrive in eval mode.",
        "zh": "训练时模型处于评估模式（{total} 次前向传播中有 {count} 次 model.training 为 False）。"
              "请在 train_epoch 开头调用 `model.train()`：Dropout 等层在两种模式下的行为不同，"
              "而传进来的模型可能正处于评估模式。",
    },
    "train_epoch_no_grad": {
        "en": "Autograd was switched off during {count} of {total} forward passes of training "
              "(torch.no_grad()?). Training needs the gradients: compute the loss with autograd on.",
        "zh": "训练时 {total} 次前向传播中有 {count} 次关闭了自动求导（用了 torch.no_grad()？）。"
              "训练需要梯度：请在自动求导开启的状态下计算损失。",
    },
    "train_epoch_not_float": {
        "en": "train_epoch should return a Python float, but it returned a {kind}. Turn each batch loss into "
              "a number with `loss.item()` before adding it up.",
        "zh": "train_epoch 应该返回 Python 的 float，但它返回了 {kind}。请先用 `loss.item()` "
              "把每个批次的损失变成普通数字，再累加。",
    },
    "train_epoch_unchanged": {
        "en": "The parameters did not change during the epoch. In each step call `loss.backward()` first "
              "and `optimizer.step()` after it: step() uses the gradients that backward() just computed "
              "(and right after zero_grad() there are none).",
        "zh": "这一轮结束后参数完全没有变化。每一步都要先调用 `loss.backward()`，再调用 `optimizer.step()`："
              "step() 用的是 backward() 刚刚算出的梯度（而刚调用过 zero_grad() 时根本没有梯度）。",
    },
    "train_epoch_accumulated": {
        "en": "The parameters after the epoch are those of a loop without `optimizer.zero_grad()`: "
              "backward() adds to .grad, so every step used the sum of all gradients so far. "
              "Call `optimizer.zero_grad()` at the start of each step.",
        "zh": "这一轮结束后的参数，和一个没有调用 `optimizer.zero_grad()` 的循环得到的结果一样："
              "backward() 会把梯度累加到 .grad 上，所以每一步用的都是到目前为止所有梯度的和。"
              "请在每一步开始时调用 `optimizer.zero_grad()`。",
    },
    "train_epoch_step_first": {
        "en": "The parameters after the epoch are those of a loop that calls `optimizer.step()` before "
              "`loss.backward()`: each step then uses the previous batch's gradients. The order is "
              "zero_grad → forward → loss → backward → step.",
        "zh": "这一轮结束后的参数，和一个先调用 `optimizer.step()`、后调用 `loss.backward()` 的循环得到的"
              "结果一样：这样每一步用的都是上一个批次的梯度。正确顺序是 zero_grad → 前向传播 → 损失 → "
              "backward → step。",
    },
    "train_epoch_own_loss": {
        "en": "train_epoch computes its own loss instead of calling the `criterion` it is given: here the "
              "criterion is CrossEntropyLoss(label_smoothing=0.1), and the parameters came out as if plain "
              "cross-entropy had been used. Compute `loss = criterion(outputs, labels)`.",
        "zh": "train_epoch 没有调用传进来的 `criterion`，而是自己计算损失：这里的 criterion 是 "
              "CrossEntropyLoss(label_smoothing=0.1)，而得到的参数却像是用普通交叉熵训练出来的。"
              "请用 `loss = criterion(outputs, labels)` 计算损失。",
    },
    "train_epoch_params_off": {
        "en": "After the epoch, parameter {index} ({shape}) differs from a correct epoch started from the same "
              "weights: at index {where} it is {actual}, expected {expected} ({count} of {total} values differ). "
              "Each step must be zero_grad → forward → loss → backward → step, once per batch.",
        "zh": "从相同的权重出发，这一轮结束后第 {index} 个参数（形状 {shape}）与正确的结果不同："
              "索引 {where} 处是 {actual}，应为 {expected}（{total} 个值中有 {count} 个不同）。"
              "每个批次都要按 zero_grad → 前向传播 → 损失 → backward → step 的顺序做一步。",
    },
    "train_epoch_last_batch": {
        "en": "train_epoch returned {actual}, the loss of the last batch only. Return the mean over the whole "
              "epoch: add up loss.item() × batch size for every batch and divide by the number of samples.",
        "zh": "train_epoch 返回了 {actual}，这只是最后一个批次的损失。请返回整轮的平均损失："
              "把每个批次的 loss.item() × 批量大小加起来，再除以样本总数。",
    },
    "train_epoch_unweighted": {
        "en": "train_epoch returned {actual}, the plain mean of the batch losses; expected {expected}. The last "
              "batch has only {last} samples, so averaging batches gives its samples too much weight. Weight "
              "each batch loss by its batch size: sum(loss.item() × len(labels)) / number of samples.",
        "zh": "train_epoch 返回了 {actual}，这是各批次损失的简单平均；应为 {expected}。最后一个批次只有 "
              "{last} 个样本，直接对批次求平均会让这几个样本的权重过大。请按批量大小加权："
              "sum(loss.item() × len(labels)) / 样本总数。",
    },
    "train_epoch_wrong_mean": {
        "en": "train_epoch returned {actual}, expected {expected}: the mean loss per sample over the epoch, "
              "sum(loss.item() × batch size) / number of samples, with each batch's loss as computed in its step.",
        "zh": "train_epoch 返回了 {actual}，应为 {expected}：整轮中每个样本的平均损失，即 "
              "sum(loss.item() × 批量大小) / 样本总数，其中每个批次的损失取该步中算出的值。",
    },
    "train_epoch_example": {
        "en": "a tiny data set of {n} samples in batches of {sizes}, {optimizer}:\n"
              "    batch losses {losses}\n"
              "    mean loss per sample = {formula} = {mean:.4f}",
        "zh": "一个很小的数据集：{n} 个样本，批次大小依次为 {sizes}，优化器 {optimizer}：\n"
              "    各批次的损失 {losses}\n"
              "    每个样本的平均损失 = {formula} = {mean:.4f}",
    },
    "train_epoch_mode_ok": {
        "en": "the model is in training mode during the epoch (it started in eval mode)",
        "zh": "这一轮中模型处于训练模式（它开始时处于评估模式）",
    },
    "train_epoch_moved_ok": {
        "en": "every batch (inputs and labels) is moved to the device",
        "zh": "每个批次（输入和标签）都移到了 device 上",
    },
    "train_epoch_params_ok": {
        "en": "the parameters after the epoch equal a correct epoch's: zero_grad → forward → loss → backward → step",
        "zh": "这一轮结束后的参数与正确结果一致：zero_grad → 前向传播 → 损失 → backward → step",
    },
    "train_epoch_momentum_ok": {
        "en": "again with SGD(lr=0.2, momentum=0.9) and CrossEntropyLoss(label_smoothing=0.1)",
        "zh": "换成 SGD(lr=0.2, momentum=0.9) 和 CrossEntropyLoss(label_smoothing=0.1) 再检查一遍",
    },
    "train_epoch_mean_ok": {
        "en": "returns the mean loss per sample as a Python float (the last batch is smaller)",
        "zh": "以 Python float 返回每个样本的平均损失（最后一个批次比较小）",
    },
    "train_epoch_tensor": {"en": "{what} {index} of the model", "zh": "模型的{what} {index}"},
    "train_epoch_parameters": {"en": "parameter", "zh": "参数"},
    "train_epoch_statistics": {"en": "BatchNorm statistic", "zh": "BatchNorm 统计量"},
    "train_epoch_buffers_off": {
        "en": "After the epoch, the running statistics of the BatchNorm layer ({what}) differ from a correct "
              "epoch's: at index {where} they are {actual}, expected {expected}. In training mode every forward "
              "pass updates them: run the model once per batch, after `model.train()`.",
        "zh": "这一轮结束后，BatchNorm 层的运行统计量（{what}）与正确的结果不同：索引 {where} 处是 {actual}，"
              "应为 {expected}。训练模式下每次前向传播都会更新它们：请先调用 `model.train()`，"
              "再对每个批次运行一次模型。",
    },
})

DTYPES = {"float32": torch.float32, "float64": torch.float64}
"""The dtypes a spec may name."""

OPTIMIZERS = {
    "SGD(lr=0.3)": lambda params: torch.optim.SGD(params, lr=0.3),
    "SGD(lr=0.1, momentum=0.9)": lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9),
    "Adam(lr=0.05)": lambda params: torch.optim.Adam(params, lr=0.05),
}
"""The optimizers a spec may name, by the name it uses."""


class UnmovedBatch(torch.Tensor):
    """A batch as the test loader hands it out; ``.to(...)`` or ``.cuda()`` turn it into a plain tensor.

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
    """An :class:`UnmovedBatch` that holds the batch negated: only a move gives back the true values.

    Shapes, dtypes and anything that commutes with a sign (views, ``.float()``, scaling) behave as
    usual, but a model that computes on a batch that was never moved sees other numbers, so that
    mistake shows in the parameters after the epoch too, not only in what the spies record.
    """


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


def _check_moved(tensor, device: torch.device, name: str, what: str, where: str) -> None:
    if type(tensor) is not torch.Tensor:
        raise CheckFailed(message("train_epoch_not_moved", name=name, what=message(f"train_epoch_{what}"),
                                  where=message(f"train_epoch_{where}")))
    if tensor.device.type != device.type:
        raise CheckFailed(message("train_epoch_wrong_device", name=name, actual=tensor.device, expected=device))


class Spy(nn.Module):
    """An identity layer that records, at each forward pass, the mode and whether autograd was on."""

    def __init__(self, device, name: str):
        super().__init__()
        self.device, self.name = torch.device(device), name
        self.calls: list[tuple[bool, bool]] = []

    def forward(self, x):
        _check_moved(x, self.device, self.name, "inputs", "model")
        self.calls.append((self.training, torch.is_grad_enabled()))
        return x


class SpyLoss(nn.Module):
    """A loss function that fails on labels that were never moved to the device."""

    def __init__(self, device, name: str, label_smoothing: float = 0.0):
        super().__init__()
        self.device, self.name = torch.device(device), name
        self.loss = nn.CrossEntropyLoss(label_smoothing=label_smoothing)

    def forward(self, outputs, labels):
        _check_moved(labels, self.device, self.name, "labels", "criterion")
        return self.loss(outputs, labels)


def spy_model(n_in: int, n_hidden: int, n_out: int, device, name: str, generator: torch.Generator,
              dtype: torch.dtype = torch.float32, dropout: float = 0.0) -> nn.Sequential:
    """Spy → Linear → ReLU (→ Dropout) → Linear, with weights drawn from ``generator``."""
    layers = [Spy(device, name), nn.Linear(n_in, n_hidden), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout))
    layers.append(nn.Linear(n_hidden, n_out))
    model = nn.Sequential(*layers)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * 0.7)
    return model.to(device=device, dtype=dtype)


def make_optimizer(name: str, params: list) -> torch.optim.Optimizer:
    """The optimizer a spec names (a key of :data:`OPTIMIZERS`) over ``params``."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}")
    return OPTIMIZERS[name](params)


def spec_model(spec: dict, name: str) -> nn.Sequential:
    """The model a spec describes: Spy → Linear (no bias) → BatchNorm1d → ReLU (→ Dropout) → Linear.

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
    with torch.random.fork_rng(devices=[]):  # the layers' own initialization is overwritten below
        layers = [Spy(device, name), nn.Linear(n_in, n_hidden, bias=False), nn.BatchNorm1d(n_hidden), nn.ReLU()]
        if spec.get("dropout"):
            layers.append(nn.Dropout(float(spec["dropout"])))
        layers.append(nn.Linear(n_hidden, n_out))
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


def spec_criterion(spec: dict, name: str) -> SpyLoss:
    """The spec's loss: cross-entropy with its ``label_smoothing``, failing on labels never moved."""
    return SpyLoss(spec["device"], name, float(spec.get("label_smoothing", 0.0)))


def spy_calls(spy: Spy) -> list[list[bool]]:
    """What a Spy recorded, as plain data: ``[training, grad_enabled]`` at each forward pass."""
    return [[bool(training), bool(grad)] for training, grad in spy.calls]


def reported_calls(calls) -> list[tuple[bool, bool]]:
    """A probe's report of :func:`spy_calls`, checked to be that shape (it comes from the student's process)."""
    if type(calls) is not list or not all(type(c) in (list, tuple) and len(c) == 2
                                          and all(type(v) is bool for v in c) for c in calls):
        raise ValueError("the report of the forward passes is malformed")
    return [(training, grad) for training, grad in calls]


def expect_tensors(actual, expected: list[torch.Tensor], what: str) -> list[torch.Tensor]:
    """Reported tensors (parameters, statistics) of the expected number, types, shapes, dtypes and devices."""
    if type(actual) is not list or len(actual) != len(expected):
        raise ValueError(f"the report of the {what} is malformed")
    for index, (a, e) in enumerate(zip(actual, expected)):
        shown = message("train_epoch_tensor", what=what, index=index)
        if type(a) is not torch.Tensor:
            raise CheckFailed(message("not_tensor", what=shown, kind=type_name(a)))
        if a.shape != e.shape:
            raise CheckFailed(message("wrong_shape", what=shown, actual=tuple(a.shape), expected=tuple(e.shape)))
        if a.dtype != e.dtype:
            raise CheckFailed(message("wrong_dtype", what=shown, actual=a.dtype, expected=e.dtype))
        if a.device != e.device:
            raise CheckFailed(message("wrong_device", what=shown, actual=a.device, expected=e.device))
    return actual


def plain_number(value):
    """A float subclass (numpy.float64) as a Python float; anything else as it is, for the wire to report."""
    if type(value) is not float and type(value) is not bool and isinstance(value, float):
        return float(value)
    return value


@dataclass
class TrainCase:
    """One epoch to check: a model (with a Spy first), its data, the loss and the optimizer to use."""

    model: nn.Sequential
    inputs: torch.Tensor
    labels: torch.Tensor
    batch_size: int
    make_optimizer: Callable[[list], torch.optim.Optimizer]
    device: torch.device
    label_smoothing: float = 0.0
    description: str = ""
    losses: list[float] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)


def _reference_epoch(case: TrainCase, start: nn.Module, *, zero_grad: bool = True, step_first: bool = False,
                     own_loss: bool = False, unmoved: bool = False):
    """Run a copy of ``start`` through one epoch of ``case`` the given way; return it with its batch losses."""
    model = copy.deepcopy(start)
    optimizer = case.make_optimizer(list(model.parameters()))
    criterion = SpyLoss(case.device, "reference", 0.0 if own_loss else case.label_smoothing)
    model.train()
    losses, sizes = one_epoch(model, optimizer, criterion, watched_loader(case.inputs, case.labels, case.batch_size),
                              case.device, zero_grad=zero_grad, step_first=step_first, negated=unmoved)
    return model, losses, sizes


def one_epoch(model: nn.Module, optimizer, criterion, batches, device, *, zero_grad: bool = True,
              step_first: bool = False, negated: bool = False) -> tuple[list[float], list[int]]:
    """One epoch done right, or with one of the usual mistakes; the loss and the size of each batch.

    The visible checks and the judge (``autograder.exercises.train_epoch``) both build their
    references with it, so that they agree on what each mistake does to the parameters.
    ``negated`` gives what the watched loaders' disguised inputs hold until they are moved.
    """
    losses, sizes = [], []
    for inputs, labels in batches:
        inputs, labels = inputs.to(device), labels.to(device)
        if negated:
            inputs = -inputs
        if zero_grad:
            optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        if step_first:
            optimizer.step()
            loss.backward()
        else:
            loss.backward()
            optimizer.step()
        losses.append(loss.item())
        sizes.append(len(labels))
    return losses, sizes


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a, b, rtol=1e-4, atol=1e-5)


def same_tensors(actual: list[torch.Tensor], expected: list[torch.Tensor]) -> bool:
    """Every tensor close to its counterpart (parameters after an epoch, tolerant to rounding)."""
    return len(actual) == len(expected) and all(
        a.shape == e.shape and _close(a.detach().to(e.dtype), e.detach()) for a, e in zip(actual, expected))


def expect_train_calls(calls: list, n_batches: int) -> None:
    """The spy's record of an epoch: one forward pass per batch, each in training mode with autograd on."""
    if not calls:
        raise CheckFailed(message("train_epoch_no_forward"))
    in_eval = sum(not training for training, _ in calls)
    if in_eval:
        raise CheckFailed(message("train_epoch_eval_mode", count=in_eval, total=len(calls)))
    without_grad = sum(not grad for _, grad in calls)
    if without_grad:
        raise CheckFailed(message("train_epoch_no_grad", count=without_grad, total=len(calls)))
    if len(calls) != n_batches:
        raise CheckFailed(message("train_epoch_batches", actual=len(calls), expected=n_batches))


def expect_float(result, key: str) -> None:
    """A Python float (a numpy.float64 is one too), not a bool, an int or a tensor."""
    if isinstance(result, bool) or not isinstance(result, float):
        raise CheckFailed(message(key, kind=type_name(result)))


def expect_parameters(actual: list[torch.Tensor], expected: list[torch.Tensor], mistakes) -> None:
    """The parameters after the epoch equal the reference's; else name the mistake whose parameters they are.

    ``mistakes`` yields ``(parameters, message)`` pairs, computed only when needed.
    """
    if same_tensors(actual, expected):
        return
    for parameters, text in mistakes:
        if same_tensors(actual, parameters):
            raise CheckFailed(text)
    for index, (p, q) in enumerate(zip(actual, expected)):
        p, q = p.detach().to(q.dtype), q.detach()
        if not _close(p, q):
            wrong = ~torch.isclose(p, q, rtol=1e-4, atol=1e-5)
            where = tuple(int(i) for i in wrong.nonzero()[0])
            raise CheckFailed(message("train_epoch_params_off", index=index, shape=tuple(p.shape),
                                      where=where, actual=f"{p[where].item():.6g}",
                                      expected=f"{q[where].item():.6g}", count=int(wrong.sum()),
                                      total=wrong.numel()))


def expect_mean_loss(result: float, losses: list[float], sizes: list[int]) -> None:
    """The per-sample mean of the reference's batch losses, telling the usual wrong means apart."""
    expected = sum(loss * size for loss, size in zip(losses, sizes)) / sum(sizes)
    if not _near(result, expected):
        if _near(result, losses[-1]):
            raise CheckFailed(message("train_epoch_last_batch", actual=f"{result:.6g}"))
        if _near(result, sum(losses) / len(losses)):
            raise CheckFailed(message("train_epoch_unweighted", actual=f"{result:.6g}",
                                      expected=f"{expected:.6g}", last=sizes[-1]))
        raise CheckFailed(message("train_epoch_wrong_mean", actual=f"{result:.6g}", expected=f"{expected:.6g}"))


def not_moved_message(name: str) -> str:
    return message("train_epoch_not_moved", name=name, what=message("train_epoch_inputs"),
                   where=message("train_epoch_model"))


def _parameters(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach() for p in model.parameters()]


def _mistakes(case: TrainCase, initial: nn.Module):
    """The parameters of the usual wrong epochs from ``initial``, each with the message that names it."""
    yield _parameters(initial), message("train_epoch_unchanged")
    yield _parameters(_reference_epoch(case, initial, zero_grad=False)[0]), message("train_epoch_accumulated")
    yield _parameters(_reference_epoch(case, initial, step_first=True)[0]), message("train_epoch_step_first")
    if case.label_smoothing:
        yield _parameters(_reference_epoch(case, initial, own_loss=True)[0]), message("train_epoch_own_loss")
    yield _parameters(_reference_epoch(case, initial, unmoved=True)[0]), not_moved_message("train_epoch")


def run_train_epoch(train_epoch, case: TrainCase) -> float:
    """Run the student's ``train_epoch`` on ``case``; fail with a message naming the first mistake.

    Returns the value it returned (already checked). Fills ``case.losses`` / ``case.sizes`` with the
    reference epoch's batch losses and sizes.
    """
    spy = case.model[0]
    case.model.eval()  # a model may arrive in eval mode, e.g. after an evaluation
    initial = copy.deepcopy(case.model)
    reference, losses, sizes = _reference_epoch(case, initial)
    case.losses, case.sizes = losses, sizes
    optimizer = case.make_optimizer(list(case.model.parameters()))
    criterion = SpyLoss(case.device, "train_epoch", case.label_smoothing)
    loader = watched_loader(case.inputs, case.labels, case.batch_size, disguise=True)
    spy.calls.clear()
    result = call(train_epoch, case.model, loader, criterion, optimizer, case.device, name="train_epoch")

    expect_train_calls(spy.calls, len(sizes))
    expect_float(result, "train_epoch_not_float")
    expect_parameters(_parameters(case.model), _parameters(reference), _mistakes(case, initial))
    expect_mean_loss(result, losses, sizes)
    return result


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-5 + 1e-4 * abs(b)


def example_case(device) -> TrainCase:
    """The visible example: 10 samples in batches of 4, 4 and 2; plain SGD, then SGD with momentum."""
    generator = torch.Generator().manual_seed(6)
    inputs = torch.randn(10, 5, generator=generator)
    inputs[8:] *= 3  # the small last batch is harder: its loss stands out
    labels = torch.randint(0, 3, (10,), generator=generator)
    model = spy_model(5, 8, 3, device, "train_epoch", generator)
    return TrainCase(model, inputs, labels, 4, lambda params: torch.optim.SGD(params, lr=0.5),
                     torch.device(device), description="SGD(lr=0.5)")


def check_train_epoch(train_epoch) -> None:
    """The checks a student runs: one epoch of a tiny model on a tiny data set, watched closely."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    case = example_case(device)
    result = run_train_epoch(train_epoch, case)
    passed(message("train_epoch_mode_ok"))
    passed(message("train_epoch_moved_ok"))
    passed(message("train_epoch_params_ok"))
    formula = "(" + " + ".join(f"{loss:.3f}×{size}" for loss, size in zip(case.losses, case.sizes)) + \
        f") / {sum(case.sizes)}"
    print(message("train_epoch_example", n=sum(case.sizes), sizes=case.sizes, optimizer=case.description,
                  losses=[round(loss, 3) for loss in case.losses], formula=formula, mean=result))
    passed(message("train_epoch_mean_ok"))

    # The same data again with momentum and another loss function: use the optimizer and criterion given.
    case = example_case(device)
    case.make_optimizer = lambda params: torch.optim.SGD(params, lr=0.2, momentum=0.9)
    case.label_smoothing = 0.1
    run_train_epoch(train_epoch, case)
    passed(message("train_epoch_momentum_ok"))
    print(message("all_passed"))
