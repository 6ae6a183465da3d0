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

The hidden tests (``autograder/exercises/train_epoch.py``) reuse :func:`run_train_epoch` on random
models, data sets, optimizers and devices. ``helper/checks/evaluate.py`` reuses the spies.
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
from .core import CheckFailed, call, passed

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
})


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
                return func(*args, **(kwargs or {})).as_subclass(torch.Tensor)
        return super().__torch_function__(func, types, args, kwargs)


def _unmoved_collate(batch):
    return tuple(t.as_subclass(UnmovedBatch) for t in default_collate(batch))


def watched_loader(inputs: torch.Tensor, labels: torch.Tensor, batch_size: int) -> DataLoader:
    """A real DataLoader (in order, CPU tensors) whose batches remember whether they were moved."""
    return DataLoader(TensorDataset(inputs, labels), batch_size=batch_size, shuffle=False,
                      collate_fn=_unmoved_collate)


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
                     own_loss: bool = False):
    """Run a copy of ``start`` through one epoch of ``case`` the given way; return it with its batch losses."""
    model = copy.deepcopy(start)
    optimizer = case.make_optimizer(list(model.parameters()))
    criterion = SpyLoss(case.device, "reference", 0.0 if own_loss else case.label_smoothing)
    losses, sizes = [], []
    model.train()
    for inputs, labels in watched_loader(case.inputs, case.labels, case.batch_size):
        inputs, labels = inputs.to(case.device), labels.to(case.device)
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
    return model, losses, sizes


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    return torch.allclose(a, b, rtol=1e-4, atol=1e-5)


def _same_parameters(model, reference) -> bool:
    return all(_close(p.detach(), q.detach()) for p, q in zip(model.parameters(), reference.parameters()))


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
    loader = watched_loader(case.inputs, case.labels, case.batch_size)
    spy.calls.clear()
    result = call(train_epoch, case.model, loader, criterion, optimizer, case.device, name="train_epoch")

    if not spy.calls:
        raise CheckFailed(message("train_epoch_no_forward"))
    in_eval = sum(not training for training, _ in spy.calls)
    if in_eval:
        raise CheckFailed(message("train_epoch_eval_mode", count=in_eval, total=len(spy.calls)))
    without_grad = sum(not grad for _, grad in spy.calls)
    if without_grad:
        raise CheckFailed(message("train_epoch_no_grad", count=without_grad, total=len(spy.calls)))
    if len(spy.calls) != len(sizes):
        raise CheckFailed(message("train_epoch_batches", actual=len(spy.calls), expected=len(sizes)))
    if isinstance(result, bool) or not isinstance(result, float):
        raise CheckFailed(message("train_epoch_not_float", kind=type(result).__name__))

    if not _same_parameters(case.model, reference):
        if _same_parameters(case.model, initial):
            raise CheckFailed(message("train_epoch_unchanged"))
        if _same_parameters(case.model, _reference_epoch(case, initial, zero_grad=False)[0]):
            raise CheckFailed(message("train_epoch_accumulated"))
        if _same_parameters(case.model, _reference_epoch(case, initial, step_first=True)[0]):
            raise CheckFailed(message("train_epoch_step_first"))
        if case.label_smoothing and _same_parameters(case.model, _reference_epoch(case, initial, own_loss=True)[0]):
            raise CheckFailed(message("train_epoch_own_loss"))
        for index, (p, q) in enumerate(zip(case.model.parameters(), reference.parameters())):
            p, q = p.detach(), q.detach()
            if not _close(p, q):
                wrong = ~torch.isclose(p, q, rtol=1e-4, atol=1e-5)
                where = tuple(int(i) for i in wrong.nonzero()[0])
                raise CheckFailed(message("train_epoch_params_off", index=index, shape=tuple(p.shape),
                                          where=where, actual=f"{p[where].item():.6g}",
                                          expected=f"{q[where].item():.6g}", count=int(wrong.sum()),
                                          total=wrong.numel()))

    expected = sum(loss * size for loss, size in zip(losses, sizes)) / sum(sizes)
    if not _near(result, expected):
        if _near(result, losses[-1]):
            raise CheckFailed(message("train_epoch_last_batch", actual=f"{result:.6g}"))
        if _near(result, sum(losses) / len(losses)):
            raise CheckFailed(message("train_epoch_unweighted", actual=f"{result:.6g}",
                                      expected=f"{expected:.6g}", last=sizes[-1]))
        raise CheckFailed(message("train_epoch_wrong_mean", actual=f"{result:.6g}", expected=f"{expected:.6g}"))
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
