"""Visible checks for the ``fashion_classifier`` exercise (lesson 9): ``build_model()`` and ``fit(...)``.

The student builds any network for FashionMNIST and trains it within a time budget. The graded run
(see :mod:`autograder.exercises.fashion_classifier`) trains a fresh model for ``FIT_EPOCHS`` epochs on
all 60,000 training images and needs ``TARGET`` test accuracy within ``LIMIT_S`` seconds.

The tools here watch a training run from the outside, so that the visible check and the graded run
say the same things: :class:`GuardedLoader` hands ``fit`` the batches, counts the passes and stops a
run that goes over the time limit (or is clearly on its way there); :class:`TrainingWatch` notices a
run that never updates the parameters or lets gradients pile up without ``zero_grad``. The visible
check trains for two short epochs on an easy practice set and estimates how long the graded run will
take on this machine.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import torch
from torch import nn
from torch.nn import functional as F
from torch.optim.optimizer import register_optimizer_step_pre_hook
from torch.utils.data import DataLoader, TensorDataset

from ..device import device as default_device
from ..i18n import add_messages, message
from .core import CheckFailed, call, passed

FIT_EPOCHS = 2
"""Epochs of the graded run."""
FIT_BATCH_SIZE = 128
"""Batch size of the loader the graded run gives ``fit``."""
N_TRAIN = 60_000
BUDGET_S = 30
"""The training time the notebook states, on one thread of a laptop CPU."""
SLACK = 2
"""The grader allows SLACK × BUDGET_S, for slower machines."""
LIMIT_S = SLACK * BUDGET_S
PROBE_CPU_S = 20
"""CPU seconds the graded run may use besides ``fit``: starting, loading the data, building and testing the model."""
CPU_LIMIT_S = LIMIT_S + PROBE_CPU_S
"""CPU time of the whole graded run (every thread and process), counted by the kernel in ``course grade``:
``fit`` cannot get past it, whatever it does to the clocks it can reach."""
GRADED_BATCHES = FIT_EPOCHS * -(-N_TRAIN // FIT_BATCH_SIZE)
"""Batches in the graded run: 2 epochs of 469."""
TARGET = 0.85
"""Test accuracy the graded run needs."""
CHANCE_MAX = 0.3
"""An untrained 10-class model scores about 0.1; above this, build_model did not return a fresh model."""
PROJECTION_FACTOR = 3
"""Stop a run early only when its pace predicts more than PROJECTION_FACTOR × the limit."""

add_messages({
    "fashion_classifier_not_module": {
        "en": "build_model() should return an nn.Module (a network), but it returned a {kind}.",
        "zh": "build_model() 应该返回一个 nn.Module（一个网络），但它返回的是 {kind}。",
    },
    "fashion_classifier_same_instance": {
        "en": "build_model() returned the same model object twice. Each call must create a new, untrained model: "
              "create the layers inside build_model, not once outside it.",
        "zh": "两次调用 build_model() 返回了同一个模型对象。每次调用都必须创建一个新的、未训练的模型："
              "请在 build_model 内部创建各层，而不是在函数外面只创建一次。",
    },
    "fashion_classifier_shared_parameters": {
        "en": "Two models from build_model() share parameter tensors, so training one trains the other. "
              "Create new layers inside build_model for every model.",
        "zh": "两次调用 build_model() 得到的模型共用参数张量，训练其中一个，另一个也跟着变了。"
              "请在 build_model 内部为每个模型创建新的层。",
    },
    "fashion_classifier_output": {
        "en": "model(x) for x of shape {shape}", "zh": "输入形状为 {shape} 时的 model(x)",
    },
    "fashion_classifier_not_tensor": {
        "en": "{what} should be a tensor of logits, but it is a {kind}.",
        "zh": "{what} 应该是一个 logits 张量，但它是 {kind}。",
    },
    "fashion_classifier_shape": {
        "en": "{what} has shape {actual}, expected {expected}: one row of 10 logits per image. "
              "(Flatten each image with nn.Flatten() before the first nn.Linear; keep the batch dimension.)",
        "zh": "{what} 的形状是 {actual}，应为 {expected}：每张图片一行，每行 10 个 logits。"
              "（在第一个 nn.Linear 之前用 nn.Flatten() 展平每张图片，并保留批量维度。）",
    },
    "fashion_classifier_dtype": {
        "en": "{what} has dtype {actual}, expected a floating-point tensor (logits).",
        "zh": "{what} 的数据类型（dtype）是 {actual}，应为浮点型张量（logits）。",
    },
    "fashion_classifier_probabilities": {
        "en": "model(x) returns probabilities (every row is between 0 and 1 and sums to 1), not logits. "
              "End the network with an nn.Linear layer: nn.CrossEntropyLoss applies log-softmax itself, and a "
              "softmax before it squashes the gradients.",
        "zh": "model(x) 返回的是概率（每一行都在 0 到 1 之间且和为 1），而不是 logits。请让网络以 nn.Linear 层结尾："
              "nn.CrossEntropyLoss 内部会自己做 log-softmax，在它前面再加 softmax 会把梯度压得很小。",
    },
    "fashion_classifier_pretrained": {
        "en": "A fresh model from build_model() already scores {accuracy:.1%} on the test images before any "
              "training (chance is 10%). build_model must return an untrained model, not trained or loaded weights.",
        "zh": "build_model() 新建的模型还没训练，在测试图片上的准确率就已经是 {accuracy:.1%}（随机猜测约为 10%）。"
              "build_model 必须返回未经训练的模型，而不是训练好的或加载来的权重。",
    },
    "fashion_classifier_over_limit": {
        "en": "Training was stopped after {seconds:.0f} s: the graded run ({epochs} epochs over {n:,} images) may "
              "take at most {limit} s (the {budget} s budget × {slack} for slower machines). Use a smaller or "
              "faster model, or a larger batch inside fit.",
        "zh": "训练在 {seconds:.0f} 秒后被中止：评分时的训练（{n:,} 张图片，{epochs} 个轮次）最多只能用 {limit} 秒"
              "（{budget} 秒的预算 × {slack}，给较慢的机器留出余量）。请换一个更小或更快的模型。",
    },
    "fashion_classifier_projected": {
        "en": "Training was stopped early: at {per_batch:.0f} ms per batch, the graded run ({epochs} epochs of "
              "{per_epoch} batches) would take about {projected:.0f} s, far over the limit of {limit} s "
              "({budget} s budget × {slack}). Use a smaller or faster model.",
        "zh": "训练被提前中止：每个批次要 {per_batch:.0f} 毫秒，照这个速度，评分时的训练（{epochs} 个轮次，"
              "每个轮次 {per_epoch} 个批次）大约需要 {projected:.0f} 秒，远远超过 {limit} 秒的上限"
              "（{budget} 秒的预算 × {slack}）。请换一个更小或更快的模型。",
    },
    "fashion_classifier_too_slow": {
        "en": "fit took {seconds:.1f} s for {epochs} epochs, over the limit of {limit} s ({budget} s budget × {slack} "
              "for slower machines).",
        "zh": "fit 训练 {epochs} 个轮次用了 {seconds:.1f} 秒，超过了 {limit} 秒的上限（{budget} 秒的预算 × {slack}，"
              "给较慢的机器留出余量）。",
    },
    "fashion_classifier_extra_pass": {
        "en": "fit kept going over train_loader after {epochs} full passes, but epochs={epochs}. Go over the "
              "loader exactly once per epoch: use the epochs argument, and do not loop over train_loader again "
              "to evaluate.",
        "zh": "fit 已经完整遍历了 train_loader {epochs} 遍，却还在继续，而 epochs={epochs}。每个轮次只能遍历一遍 loader："
              "请使用参数 epochs，也不要为了评估再遍历一遍 train_loader。",
    },
    "fashion_classifier_few_passes": {
        "en": "fit went over train_loader {passes} time(s) in full, expected {epochs}: one full pass per epoch. "
              "Train on the train_loader you are given, for the given number of epochs, without stopping an "
              "epoch early.",
        "zh": "fit 完整遍历 train_loader 的次数是 {passes}，应为 {epochs}：每个轮次完整遍历一遍。"
              "请在传入的 train_loader 上训练指定的轮次，不要提前结束某个轮次。",
    },
    "fashion_classifier_no_update": {
        "en": "The parameters did not change during fit ({steps} optimizer steps). Call optimizer.step() after "
              "loss.backward() in every iteration, with an optimizer built on model.parameters() of the model "
              "fit was given.",
        "zh": "fit 运行期间参数没有任何变化（优化器共走了 {steps} 步）。请在每次迭代中 loss.backward() 之后调用 "
              "optimizer.step()，而且优化器要建立在传给 fit 的那个模型的 model.parameters() 上。",
    },
    "fashion_classifier_no_zero_grad": {
        "en": "Gradients pile up: at {count} of {backward} backward passes, .grad still held the gradients of "
              "earlier batches. Call optimizer.zero_grad() once in every iteration, before loss.backward().",
        "zh": "梯度在不断累加：{backward} 次反向传播中，有 {count} 次 .grad 里还留着之前批次的梯度。"
              "请在每次迭代中、loss.backward() 之前调用一次 optimizer.zero_grad()。",
    },
    "fashion_classifier_copied": {
        "en": "After fit, the model's weights are exactly those of {name}, a model defined outside build_model "
              "and fit. The graded model must be trained by fit, from the fresh weights build_model gives it.",
        "zh": "fit 之后，模型的权重与 {name} 完全相同，而 {name} 是在 build_model 和 fit 之外定义的模型。"
              "评分用的模型必须由 fit 从 build_model 给出的新权重开始训练得到。",
    },
    "fashion_classifier_constant": {
        "en": "After training, the model predicts class {label} for all {n:,} test images: it has learned nothing "
              "about the images. Is the loss computed from the model's output for the batch, and does the "
              "optimizer update this model?",
        "zh": "训练之后，模型对全部 {n:,} 张测试图片都预测为类别 {label}：它根本没有从图片中学到东西。"
              "损失是用模型对这个批次的输出算出来的吗？优化器更新的是这个模型吗？",
    },
    "fashion_classifier_low_accuracy": {
        "en": "After {epochs} epochs the model reaches {accuracy:.2%} test accuracy, below the target of {target:.0%}. "
              "Check: a ReLU between Linear layers (without it the network is linear), logits out (no softmax "
              "before nn.CrossEntropyLoss), the learning rate (about 1e-3 for Adam, 0.05 with SGD and momentum), "
              "zero_grad in every iteration.",
        "zh": "训练 {epochs} 个轮次后，模型的测试准确率为 {accuracy:.2%}，低于 {target:.0%} 的目标。请检查："
              "Linear 层之间有没有 ReLU（没有的话整个网络就是线性的）、输出是不是 logits（nn.CrossEntropyLoss 之前不要 "
              "softmax）、学习率（Adam 约 1e-3，带动量的 SGD 约 0.05）、每次迭代是否都调用了 zero_grad。",
    },
    "fashion_classifier_loss_not_down": {
        "en": "On an easy practice set (10 classes, each a fixed pattern plus noise), the loss went from "
              "{before:.3f} to {after:.3f} during fit({epochs} epochs): it should clearly go down. Is the "
              "learning rate far too small? Does the loss use the logits (no softmax before nn.CrossEntropyLoss)?",
        "zh": "在一个简单的练习数据集上（10 个类别，每类是一个固定图案加噪声），fit（{epochs} 个轮次）期间损失从 "
              "{before:.3f} 变成了 {after:.3f}：它本应明显下降。学习率是不是太小了？损失是不是用 logits 算的"
              "（nn.CrossEntropyLoss 之前不要 softmax）？",
    },
    "fashion_classifier_estimate_over": {
        "en": "At the pace of the practice run ({per_batch:.0f} ms per batch of {batch_size}), the graded run "
              "({epochs} epochs of {per_epoch} batches) would take about {estimate:.0f} s, over the limit of "
              "{limit} s ({budget} s budget × {slack}). Use a smaller or faster model.",
        "zh": "按练习时的速度（每批 {batch_size} 个样本 {per_batch:.0f} 毫秒），评分时的训练（{epochs} 个轮次，"
              "每个轮次 {per_epoch} 个批次）大约需要 {estimate:.0f} 秒，超过了 {limit} 秒的上限"
              "（{budget} 秒的预算 × {slack}）。请换一个更小或更快的模型。",
    },
    "fashion_classifier_built_ok": {
        "en": "build_model() returns a new nn.Module each time; model(x) maps (5, 1, 28, 28) to (5, 10) logits",
        "zh": "build_model() 每次都返回一个新的 nn.Module；model(x) 把 (5, 1, 28, 28) 映射为 (5, 10) 的 logits",
    },
    "fashion_classifier_practice_ok": {
        "en": "fit on a practice set: {epochs} passes over the loader, parameters updated, gradients zeroed, "
              "loss {before:.3f} → {after:.3f}",
        "zh": "在练习数据集上运行 fit：遍历 loader {epochs} 遍，参数已更新，梯度已清零，损失 {before:.3f} → {after:.3f}",
    },
    "fashion_classifier_estimate": {
        "en": "time: {per_batch:.0f} ms per batch of {batch_size} here, so the graded run ({epochs} epochs × "
              "{per_epoch} batches) should take about {estimate:.0f} s on this machine. Budget: {budget} s on one "
              "CPU thread of a laptop; the grader stops at {limit} s.",
        "zh": "时间：在这台机器上每批 {batch_size} 个样本用时 {per_batch:.0f} 毫秒，因此评分时的训练（{epochs} 个轮次 × "
              "{per_epoch} 个批次）大约需要 {estimate:.0f} 秒。预算：在笔记本电脑 CPU 的单个线程上 {budget} 秒；"
              "评分程序在 {limit} 秒时中止训练。",
    },
    "fashion_classifier_predictions": {
        "en": "the predictions of the {state} model on the test images",
        "zh": "{state}模型在测试图片上的预测",
    },
    "fashion_classifier_trained": {"en": "trained", "zh": "训练后的"},
    "fashion_classifier_untrained": {"en": "untrained", "zh": "未训练的"},
    "fashion_classifier_bad_seconds": {
        "en": "The grading process reported the training time as {value}, not as a number of seconds: the run "
              "could not be graded.",
        "zh": "评分进程报告的训练时间是 {value}，而不是秒数：无法评分。",
    },
    "fashion_classifier_graded": {
        "en": "The grader trains a fresh model for {epochs} epochs on all {n:,} training images and needs at "
              "least {target:.0%} accuracy on the 10,000 test images.",
        "zh": "评分时会用全部 {n:,} 张训练图片把一个新模型训练 {epochs} 个轮次，要求在 10,000 张测试图片上的准确率"
              "至少达到 {target:.0%}。",
    },
})


@contextmanager
def one_thread():
    """Time training on one CPU thread, as the grader does: the budget then means the same on every machine,
    and the run does not depend on how busy the machine's other cores are. (No effect on a GPU's speed.)"""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _budget_fields() -> dict:
    return dict(limit=LIMIT_S, budget=BUDGET_S, slack=SLACK)


def normalise(images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """FashionMNIST pixels as bytes (N, 1, 28, 28) to the float images the graded run trains on.

    The same floats as ``helper.load_tensors`` (bytes / 255), minus the training set's mean, over its std.
    """
    return (images.float().div_(255) - mean) / std


def fresh_model(build_model) -> nn.Module:
    """Two calls of build_model: each a new nn.Module with parameters of its own; return the first."""
    model = call(build_model, name="build_model")
    if not isinstance(model, nn.Module):
        raise CheckFailed(message("fashion_classifier_not_module", kind=type(model).__name__))
    other = call(build_model, name="build_model")
    if other is model:
        raise CheckFailed(message("fashion_classifier_same_instance"))
    if isinstance(other, nn.Module):
        mine = {p.data_ptr() for p in model.parameters()}
        if any(p.data_ptr() in mine for p in other.parameters()):
            raise CheckFailed(message("fashion_classifier_shared_parameters"))
    return model


def expect_logits(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """model(x) is an (N, 10) float tensor of logits, not probabilities."""
    what = message("fashion_classifier_output", shape=tuple(x.shape))
    with torch.no_grad():
        out = call(model, x, name="model")
    if not isinstance(out, torch.Tensor):
        raise CheckFailed(message("fashion_classifier_not_tensor", what=what, kind=type(out).__name__))
    if tuple(out.shape) != (len(x), 10):
        raise CheckFailed(message("fashion_classifier_shape", what=what, actual=tuple(out.shape),
                                  expected=(len(x), 10)))
    if not out.is_floating_point():
        raise CheckFailed(message("fashion_classifier_dtype", what=what, actual=out.dtype))
    if len(x) > 1 and (out >= 0).all() and (out <= 1).all() and torch.allclose(
            out.sum(dim=1).double(), torch.ones(len(x), dtype=torch.float64, device=out.device), atol=1e-3):
        raise CheckFailed(message("fashion_classifier_probabilities"))
    return out


class GuardedLoader:
    """A DataLoader as ``fit`` sees it, that also counts passes and keeps the clock.

    It stops the run (raises CheckFailed, and remembers it in case ``fit`` swallows exceptions) when
    the wall time passes ``limit``, when the pace of the batches so far predicts that the graded run
    would take more than ``project_over`` seconds, or when ``fit`` goes on past ``epochs`` full
    passes. ``len(...)``, ``.dataset`` and ``.batch_size`` are the wrapped loader's.
    """

    def __init__(self, loader: DataLoader, epochs: int, limit: float | None, project_over: float | None = None):
        self.loader, self.epochs, self.limit, self.project_over = loader, epochs, limit, project_over
        self.batches = self.passes = 0
        self.failure: CheckFailed | None = None
        self.start = self.first_batch = None

    def __len__(self):
        return len(self.loader)

    def __getattr__(self, name):
        if name == "loader":  # not set yet (copying, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.loader, name)

    def _stop(self, failure: CheckFailed):
        self.failure = self.failure or failure
        raise self.failure

    def _check(self):
        now = time.perf_counter()
        elapsed = now - self.start
        if self.limit is not None and elapsed > self.limit:
            self._stop(CheckFailed(message("fashion_classifier_over_limit", seconds=elapsed, epochs=self.epochs,
                                           n=len(self.loader.dataset), **_budget_fields())))
        per_epoch = len(self.loader)
        if self.batches > per_epoch * self.epochs + max(1, per_epoch // 10):
            self._stop(CheckFailed(message("fashion_classifier_extra_pass", epochs=self.epochs)))
        if self.project_over is not None and self.batches >= 6:
            pace = (now - self.first_batch) / (self.batches - 1)  # the first batch may be slow: not counted
            projected = pace * GRADED_BATCHES
            if projected > self.project_over:
                self._stop(CheckFailed(message(
                    "fashion_classifier_projected", batches=self.batches, seconds=elapsed, per_batch=1000 * pace,
                    epochs=FIT_EPOCHS, per_epoch=GRADED_BATCHES // FIT_EPOCHS, projected=projected,
                    **_budget_fields())))

    def __iter__(self):
        if self.failure:
            raise self.failure
        for batch in self.loader:
            self.batches += 1
            if self.batches == 1:
                self.first_batch = time.perf_counter()
            self._check()
            yield batch
        self.passes += 1


class TrainingWatch:
    """Counts optimizer steps and backward passes during ``fit``; notices gradients left from earlier batches.

    A hook on one parameter sees the gradient each backward pass brings; a second hook sees ``.grad``
    after it was accumulated. If ``.grad`` holds more than the new gradient, nobody zeroed it.
    """

    def __init__(self, model: nn.Module):
        self.model = model
        self.steps = self.backward = self.leftover = 0
        self._incoming = None
        self._handles = []

    def __enter__(self):
        params = [p for p in self.model.parameters() if p.requires_grad]
        self.before = [p.detach().clone() for p in params]
        self.params = params
        if params:
            watched = params[-1]
            self._handles += [watched.register_hook(self._on_gradient),
                              watched.register_post_accumulate_grad_hook(self._on_accumulated)]
        self._handles.append(register_optimizer_step_pre_hook(self._on_step))
        return self

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()
        return False

    def _on_step(self, optimizer, args, kwargs):
        self.steps += 1

    def _on_gradient(self, grad):
        self._incoming = grad.detach().clone()

    def _on_accumulated(self, param):
        self.backward += 1
        if self._incoming is not None and param.grad is not None and not torch.equal(param.grad, self._incoming):
            self.leftover += 1
        self._incoming = None

    def changed(self) -> bool:
        return any(not torch.equal(p.detach(), b) for p, b in zip(self.params, self.before))

    def verify(self) -> None:
        """Fail if fit never changed the parameters, or never zeroed the gradients."""
        if not self.changed():
            raise CheckFailed(message("fashion_classifier_no_update", steps=self.steps))
        if self.backward >= 3 and self.leftover >= 0.9 * (self.backward - 1):
            raise CheckFailed(message("fashion_classifier_no_zero_grad", count=self.leftover,
                                      backward=self.backward))


def run_fit(fit, model: nn.Module, loader: DataLoader, epochs: int, limit: float | None,
            project_over: float | None = None) -> float:
    """Call ``fit(model, loader, epochs)`` under guard and watch; return its wall time in seconds."""
    import torch._dynamo  # noqa: F401  (a process's first optimizer imports it, seconds that are not training)

    guarded = GuardedLoader(loader, epochs, limit, project_over)
    model.train()
    with TrainingWatch(model) as watch:
        guarded.start = time.perf_counter()
        try:
            call(fit, model, guarded, epochs, name="fit")
        finally:
            if next(model.parameters(), torch.empty(0)).is_cuda:
                torch.cuda.synchronize()
            seconds = time.perf_counter() - guarded.start
        if guarded.failure:  # raised inside fit, even if fit caught it
            raise guarded.failure
    if guarded.passes < epochs:
        raise CheckFailed(message("fashion_classifier_few_passes", passes=guarded.passes, epochs=epochs))
    watch.verify()
    return seconds


def practice_data(device, n: int = 16 * FIT_BATCH_SIZE) -> tuple[torch.Tensor, torch.Tensor]:
    """An easy 10-class set shaped like normalised FashionMNIST: a fixed pattern per class plus noise."""
    generator = torch.Generator().manual_seed(9)
    patterns = torch.randn(10, 1, 28, 28, generator=generator)
    labels = torch.randperm(n, generator=generator) % 10
    images = (patterns[labels] + torch.randn(n, 1, 28, 28, generator=generator)) / 2 ** 0.5
    return images.to(device), labels.to(device)


def mean_loss(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    """Cross-entropy of the model's outputs on (X, y), in eval mode, without a graph."""
    was_training = model.training
    model.eval()
    with torch.no_grad():
        loss = sum(F.cross_entropy(model(X[i:i + 512]), y[i:i + 512], reduction="sum").item()
                   for i in range(0, len(X), 512)) / len(X)
    model.train(was_training)
    return loss


def check_fashion_classifier(build_model, fit) -> None:
    """The checks a student runs: a fresh model, logits out, a short practice run, and a time estimate."""
    device = default_device()
    forked = [torch.cuda.current_device()] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=forked), one_thread():
        torch.manual_seed(0)
        model = fresh_model(build_model).to(device)
        x = torch.randn(5, 1, 28, 28, generator=torch.Generator().manual_seed(1)).to(device)
        model.eval()
        expect_logits(model, x)
        passed(message("fashion_classifier_built_ok"))

        images, labels = practice_data(device)
        loader = DataLoader(TensorDataset(images, labels), batch_size=FIT_BATCH_SIZE, shuffle=True,
                            generator=torch.Generator().manual_seed(0))
        before = mean_loss(model, images, labels)
        per_epoch = -(-N_TRAIN // FIT_BATCH_SIZE)
        practice_epochs = 2
        seconds = run_fit(fit, model, loader, practice_epochs, limit=None, project_over=PROJECTION_FACTOR * LIMIT_S)
        after = mean_loss(model, images, labels)
        if not after < 0.98 * before:
            raise CheckFailed(message("fashion_classifier_loss_not_down", before=before, after=after,
                                      epochs=practice_epochs))
        passed(message("fashion_classifier_practice_ok", epochs=practice_epochs, before=before, after=after))

        per_batch = seconds / (practice_epochs * len(loader))
        estimate = per_batch * per_epoch * FIT_EPOCHS
        fields = dict(per_batch=1000 * per_batch, batch_size=FIT_BATCH_SIZE, epochs=FIT_EPOCHS,
                      per_epoch=per_epoch, estimate=estimate, **_budget_fields())
        if estimate > LIMIT_S:
            raise CheckFailed(message("fashion_classifier_estimate_over", **fields))
        passed(message("fashion_classifier_estimate", **fields))
    print(message("fashion_classifier_graded", epochs=FIT_EPOCHS, n=N_TRAIN, target=TARGET))
    print(message("all_passed"))
