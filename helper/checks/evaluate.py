"""Visible checks for ``evaluate(model, loader, device)`` (lesson 6): accuracy over a whole loader.

The model arrives in train mode with a :class:`~helper.checks.train_epoch.Spy` at its front, which
records ``model.training`` and ``torch.is_grad_enabled()`` at every forward pass and fails at once
on a batch that was never moved to the device. The labels are chosen so that the batches have
different accuracies and the last batch is smaller: the accuracy of the last batch alone, or the
plain mean of the batch accuracies, are told apart from the right answer. The hidden tests
(``autograder/exercises/evaluate.py``) judge what their probe reports with the same pieces,
:func:`expect_eval_calls` and :func:`expect_accuracy`, on random models and data.
"""

from __future__ import annotations

import torch

from ..i18n import add_messages, message
from .core import CheckFailed, call, passed
from .train_epoch import expect_float, not_moved_message, spy_model, watched_loader

add_messages({
    "evaluate_no_forward": {
        "en": "evaluate never called the model: loop over the loader and compute `model(inputs)` for each batch.",
        "zh": "evaluate 从来没有调用模型：请遍历 loader，对每个批次计算 `model(inputs)`。",
    },
    "evaluate_train_mode": {
        "en": "The model was in training mode during evaluation (model.training was True in {count} of {total} "
              "forward passes). Call `model.eval()` first: Dropout would keep dropping activations at random.",
        "zh": "评估时模型处于训练模式（{total} 次前向传播中有 {count} 次 model.training 为 True）。"
              "请先调用 `model.eval()`：否则 Dropout 还会继续随机丢弃激活值。",
    },
    "evaluate_grad": {
        "en": "Autograd was recording during evaluation ({count} of {total} forward passes). Evaluation needs no "
              "gradients: put the loop inside `with torch.no_grad():` to save memory and time.",
        "zh": "评估时自动求导仍在记录计算图（{total} 次前向传播中有 {count} 次）。评估不需要梯度："
              "请把循环放进 `with torch.no_grad():`，节省内存和时间。",
    },
    "evaluate_batches": {
        "en": "evaluate ran the model on {actual} batch(es), but the loader has {expected}: go through the "
              "loader exactly once.",
        "zh": "evaluate 对 {actual} 个批次运行了模型，但 loader 中有 {expected} 个批次：请把 loader 恰好遍历一遍。",
    },
    "evaluate_not_float": {
        "en": "evaluate should return a Python float, but it returned a {kind}. Count the correct predictions "
              "with `.sum().item()` and divide by the number of samples.",
        "zh": "evaluate 应该返回 Python 的 float，但它返回了 {kind}。请用 `.sum().item()` 统计预测正确的个数，"
              "再除以样本总数。",
    },
    "evaluate_range": {
        "en": "evaluate returned {actual}; an accuracy is a fraction between 0 and 1 (0.98, not 98).",
        "zh": "evaluate 返回了 {actual}；准确率应该是 0 到 1 之间的小数（写成 0.98，而不是 98）。",
    },
    "evaluate_last_batch": {
        "en": "evaluate returned {actual}, the accuracy of the last batch only; expected {expected}. Count the "
              "correct predictions over all batches and divide by the number of samples.",
        "zh": "evaluate 返回了 {actual}，这只是最后一个批次的准确率；应为 {expected}。"
              "请统计所有批次中预测正确的个数，再除以样本总数。",
    },
    "evaluate_unweighted": {
        "en": "evaluate returned {actual}, the plain mean of the batch accuracies; expected {expected}. The last "
              "batch has only {last} samples, so it must not count as much as a full batch: add up the correct "
              "predictions and divide by the number of samples.",
        "zh": "evaluate 返回了 {actual}，这是各批次准确率的简单平均；应为 {expected}。最后一个批次只有 {last} "
              "个样本，它的权重不能和完整的批次一样：请把预测正确的个数加起来，再除以样本总数。",
    },
    "evaluate_wrong": {
        "en": "evaluate returned {actual}, expected {expected} ({correct} of {total} predictions are right; "
              "the prediction is the class with the largest output, `outputs.argmax(dim=1)`).",
        "zh": "evaluate 返回了 {actual}，应为 {expected}（{total} 个预测中有 {correct} 个正确；"
              "预测类别是输出最大的那一类，即 `outputs.argmax(dim=1)`）。",
    },
    "evaluate_changed_model": {
        "en": "evaluate changed the model's parameters; evaluation must only look at the model, never train it.",
        "zh": "evaluate 改变了模型的参数；评估只能“看”模型，不能训练它。",
    },
    "evaluate_changed_statistics": {
        "en": "evaluate changed the running statistics of the model's BatchNorm layer: it ran the model in training "
              "mode, where BatchNorm normalizes with each batch and updates its statistics. Call `model.eval()` first.",
        "zh": "evaluate 改变了模型中 BatchNorm 层的运行统计量：它在训练模式下运行了模型，而训练模式下 BatchNorm "
              "用每个批次做归一化，并更新这些统计量。请先调用 `model.eval()`。",
    },
    "evaluate_example": {
        "en": "{total} samples in batches of {sizes}; correct predictions per batch {correct}: "
              "accuracy = {sum_correct} / {total} = {accuracy:.3f}",
        "zh": "{total} 个样本，批次大小依次为 {sizes}；各批次预测正确的个数 {correct}："
              "准确率 = {sum_correct} / {total} = {accuracy:.3f}",
    },
    "evaluate_mode_ok": {
        "en": "the model is in evaluation mode and autograd is off (torch.no_grad()) during evaluation",
        "zh": "评估时模型处于评估模式，且关闭了自动求导（torch.no_grad()）",
    },
    "evaluate_moved_ok": {"en": "every batch is moved to the device", "zh": "每个批次都移到了 device 上"},
    "evaluate_value_ok": {
        "en": "returns the accuracy over all samples as a Python float (the last batch is smaller)",
        "zh": "以 Python float 返回所有样本上的准确率（最后一个批次比较小）",
    },
})


def make_case(device, generator: torch.Generator, n_in: int, n_hidden: int, n_out: int,
              correct_per_batch: list[int], batch_size: int, last_size: int, dtype: torch.dtype = torch.float32):
    """A model (Spy first, Dropout inside, in train mode) and data whose batches have the given numbers right.

    Returns ``(model, inputs, labels)``: each batch has ``batch_size`` samples but the last, which has
    ``last_size``; the labels agree with the model's eval-mode predictions for exactly
    ``correct_per_batch[i]`` samples of batch ``i``.
    """
    model = spy_model(n_in, n_hidden, n_out, device, "evaluate", generator, dtype=dtype, dropout=0.5)
    n = batch_size * (len(correct_per_batch) - 1) + last_size
    inputs = torch.randn(n, n_in, generator=generator, dtype=dtype)
    model.eval()
    with torch.no_grad():
        predictions = model[1:](inputs.to(device)).argmax(dim=1).cpu()
    wrong = (predictions + torch.randint(1, n_out, (n,), generator=generator)) % n_out
    labels = wrong.clone()
    for index, k in enumerate(correct_per_batch):
        start = index * batch_size
        size = min(batch_size, n - start)
        chosen = start + torch.randperm(size, generator=generator)[:k]
        labels[chosen] = predictions[chosen]
    model.train()
    return model, inputs, labels


def expect_eval_calls(calls: list, n_batches: int) -> None:
    """The spy's record of an evaluation: one forward pass per batch, each in eval mode with autograd off."""
    if not calls:
        raise CheckFailed(message("evaluate_no_forward"))
    in_train = sum(training for training, _ in calls)
    if in_train:
        raise CheckFailed(message("evaluate_train_mode", count=in_train, total=len(calls)))
    with_grad = sum(grad for _, grad in calls)
    if with_grad:
        raise CheckFailed(message("evaluate_grad", count=with_grad, total=len(calls)))
    if len(calls) != n_batches:
        raise CheckFailed(message("evaluate_batches", actual=len(calls), expected=n_batches))


def expect_accuracy(result, right: torch.Tensor, batch_size: int, right_unmoved: torch.Tensor | None = None) -> None:
    """A Python float equal to the fraction of ``right`` (one bool per sample, in loader order).

    ``right_unmoved``: which samples a model fed the disguised (never moved) inputs gets right.
    """
    expect_float(result, "evaluate_not_float")
    if not 0.0 <= result <= 1.0:
        raise CheckFailed(message("evaluate_range", actual=f"{result:.6g}"))
    sizes = [len(right[i:i + batch_size]) for i in range(0, len(right), batch_size)]
    correct = [int(right[i:i + batch_size].sum()) for i in range(0, len(right), batch_size)]
    expected = sum(correct) / len(right)
    if abs(result - expected) > 1e-6:
        show = {"actual": f"{result:.6g}", "expected": f"{expected:.6g}"}
        if abs(result - correct[-1] / sizes[-1]) <= 1e-6:
            raise CheckFailed(message("evaluate_last_batch", **show))
        if abs(result - sum(c / s for c, s in zip(correct, sizes)) / len(sizes)) <= 1e-6:
            raise CheckFailed(message("evaluate_unweighted", last=sizes[-1], **show))
        if right_unmoved is not None and abs(result - float(right_unmoved.sum()) / len(right)) <= 1e-6:
            raise CheckFailed(not_moved_message("evaluate"))
        raise CheckFailed(message("evaluate_wrong", correct=sum(correct), total=len(right), **show))


def run_evaluate(evaluate, model, inputs, labels, batch_size: int, device) -> float:
    """Run the student's ``evaluate``; fail with a message naming the first mistake; return its result."""
    device = torch.device(device)
    spy = model[0]
    spy.calls.clear()
    before = [p.detach().clone() for p in model.parameters()]
    model.train()  # a model arrives in train mode, straight from training
    loader = watched_loader(inputs, labels, batch_size, disguise=True)
    result = call(evaluate, model, loader, device, name="evaluate")

    expect_eval_calls(spy.calls, -(-len(labels) // batch_size))
    if any(not torch.equal(p.detach(), b) for p, b in zip(model.parameters(), before)):
        raise CheckFailed(message("evaluate_changed_model"))
    model.eval()
    with torch.no_grad():
        right = (model[1:](inputs.to(device)).argmax(dim=1).cpu() == labels)
        right_unmoved = (model[1:](-inputs.to(device)).argmax(dim=1).cpu() == labels)
    expect_accuracy(result, right, batch_size, right_unmoved)
    return result


def check_evaluate(evaluate) -> None:
    """The checks a student runs: 10 samples in batches of 4, 4 and 2, with 4, 1 and 0 right."""
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    generator = torch.Generator().manual_seed(7)
    correct = [4, 1, 0]
    model, inputs, labels = make_case(device, generator, 5, 8, 3, correct, batch_size=4, last_size=2)
    result = run_evaluate(evaluate, model, inputs, labels, 4, device)
    passed(message("evaluate_mode_ok"))
    passed(message("evaluate_moved_ok"))
    print(message("evaluate_example", total=len(labels), sizes=[4, 4, 2], correct=correct,
                  sum_correct=sum(correct), accuracy=result))
    passed(message("evaluate_value_ok"))
    print(message("all_passed"))
