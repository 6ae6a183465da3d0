"""Visible checks for the ``cross_entropy(logits, targets)`` exercise (lesson 4).

The student builds the mean cross-entropy loss from a numerically stable log-softmax of their own.
The checks compare it with ``F.cross_entropy`` on a worked example and on huge logits, and compare
its autograd gradient with ``F.cross_entropy``'s, naming the usual slips (a sum instead of a mean,
a lost minus sign, a loss per example instead of one number, a loss that autograd cannot follow).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..i18n import add_messages, message
from .core import CheckFailed, call, expect_tensor, expect_unchanged, forbid_operators, passed

add_messages({
    "cross_entropy_small": {
        "en": "cross-entropy of the worked example",
        "zh": "示例小批量的交叉熵",
    },
    "cross_entropy_scalar": {
        "en": "the loss is one number (a 0-dim tensor)",
        "zh": "损失是一个数（0 维张量）",
    },
    "cross_entropy_large": {
        "en": "huge logits (±1000) give a finite, correct loss",
        "zh": "很大的 logits（±1000）也能得到有限且正确的损失",
    },
    "cross_entropy_gradient_ok": {
        "en": "autograd's gradient of your loss equals F.cross_entropy's",
        "zh": "你的损失经 autograd 求出的梯度与 F.cross_entropy 的一致",
    },
    "cross_entropy_output": {
        "en": "cross_entropy(logits, targets)",
        "zh": "cross_entropy(logits, targets)",
    },
    "cross_entropy_gradient": {
        "en": "the gradient of cross_entropy(logits, targets) with respect to logits",
        "zh": "cross_entropy(logits, targets) 对 logits 的梯度",
    },
    "cross_entropy_not_scalar": {
        "en": "{what} should be one number, a 0-dim tensor of shape (), but it has "
              "shape {shape}. The loss is the mean over the batch of the per-example losses.",
        "zh": "{what} 应该是一个数，即形状为 () 的 0 维张量，但它的形状是 {shape}。"
              "损失是这一批中每个样本损失的平均值。",
    },
    "cross_entropy_is_sum": {
        "en": "{what} is {actual}, which is {n} times the right value {expected}: "
              "it looks like the sum over the batch. Take the mean instead.",
        "zh": "{what} 的结果是 {actual}，恰好是正确值 {expected} 的 {n} 倍："
              "看起来你对这一批求了和。应该取平均值。",
    },
    "cross_entropy_wrong_sign": {
        "en": "{what} is {actual}, but the right value is {expected}: the sign is flipped. "
              "The loss is the *negative* log-probability of the true class, so it is never negative.",
        "zh": "{what} 的结果是 {actual}，正确值是 {expected}：符号反了。"
              "损失是真实类别对数概率的*相反数*，所以它永远不会是负数。",
    },
    "cross_entropy_no_grad": {
        "en": "autograd cannot differentiate the result of cross_entropy (it has no grad_fn). Build the "
              "loss from tensor operations on `logits`: no .item(), no torch.tensor(...) around a result, "
              "no torch.no_grad().",
        "zh": "autograd 无法对 cross_entropy 的结果求导（它没有 grad_fn）。"
              "请直接用张量运算从 `logits` 算出损失：不要用 .item()，"
              "不要把结果包进 torch.tensor(...)，也不要用 torch.no_grad()。",
    },
})

CROSS_ENTROPY_OPERATORS = {
    "cross_entropy_loss": "F.cross_entropy",
    "nll_loss": "F.nll_loss / F.cross_entropy", "nll_loss_forward": "F.nll_loss / F.cross_entropy",
    "nll_loss2d": "F.nll_loss / F.cross_entropy", "nll_loss2d_forward": "F.nll_loss / F.cross_entropy",
    "nll_loss_nd": "F.nll_loss / F.cross_entropy",
    "log_softmax": "torch.log_softmax", "_log_softmax": "torch.log_softmax",
    "softmax": "torch.softmax", "_softmax": "torch.softmax", "_safe_softmax": "torch.softmax",
}
"""ATen operators the exercise forbids (seen below Python: ``nn.CrossEntropyLoss``, ``nn.NLLLoss``,
``nn.LogSoftmax`` and ``F.*`` all end in these), with the name a student would recognise."""

# The worked example of the lesson: three images, three classes, true classes 0, 2, 2.
EXAMPLE_LOGITS = [[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.0]]
EXAMPLE_TARGETS = [0, 2, 2]


def cross_entropy_tolerance(logits: torch.Tensor) -> dict[str, float]:
    """``rtol``/``atol`` that any stable cross-entropy meets, for the loss and for its gradient.

    A logit of size M carries a rounding error of about eps·M, and the loss (a logit minus a
    logsumexp) inherits it; every real mistake (nan, a factor N, a sign, a wrong class) is off by
    far more than this.
    """
    eps = torch.finfo(logits.dtype).eps
    scale = max(1.0, logits.detach().abs().max().item()) if logits.numel() else 1.0
    return {"rtol": 1e-5, "atol": 16 * eps * scale}


def run_cross_entropy(cross_entropy, logits: torch.Tensor, targets: torch.Tensor):
    """Call the student's function, failing if it mutates an input or calls a forbidden operator."""
    originals = [(t, t._version, t.detach().clone()) for t in (logits, targets)]
    with forbid_operators(CROSS_ENTROPY_OPERATORS, name="cross_entropy"):
        result = call(cross_entropy, logits, targets, name="cross_entropy")
    for tensor, version, original in originals:
        expect_unchanged(tensor, version, original, name="cross_entropy")
    return result


def expect_loss(actual, logits: torch.Tensor, targets: torch.Tensor, what: str) -> None:
    """Compare a loss with ``F.cross_entropy``'s, naming a missing mean, a sign or a wrong shape first."""
    expected = F.cross_entropy(logits.detach(), targets)
    tolerance = cross_entropy_tolerance(logits)
    if type(actual) is torch.Tensor and actual.shape != ():
        raise CheckFailed(message("cross_entropy_not_scalar", what=what, shape=tuple(actual.shape)))
    if type(actual) is torch.Tensor and actual.shape == () and actual.dtype == expected.dtype \
            and actual.device == expected.device and torch.isfinite(actual).all():
        got, want, n = actual.detach().item(), expected.item(), len(targets)

        def close(a, b):
            return abs(a - b) <= tolerance["atol"] + tolerance["rtol"] * abs(b)

        if not close(got, want) and abs(want) > 1e-3:
            if n > 1 and close(got, n * want):
                raise CheckFailed(message("cross_entropy_is_sum", what=what, actual=f"{got:.6g}",
                                          expected=f"{want:.6g}", n=n))
            if close(got, -want):
                raise CheckFailed(message("cross_entropy_wrong_sign", what=what, actual=f"{got:.6g}",
                                          expected=f"{want:.6g}"))
    expect_tensor(actual, expected, what, **tolerance)


def gradient_of(cross_entropy, logits: torch.Tensor, targets: torch.Tensor, what: str) -> torch.Tensor:
    """Autograd's gradient of the student's loss with respect to ``logits`` (checked for its value first)."""
    leaf = logits.detach().clone().requires_grad_(True)
    loss = run_cross_entropy(cross_entropy, leaf, targets)
    expect_loss(loss, leaf, targets, what)
    if not loss.requires_grad:
        raise CheckFailed(message("cross_entropy_no_grad"))
    (grad,) = torch.autograd.grad(loss, leaf, allow_unused=True)
    if grad is None:
        raise CheckFailed(message("cross_entropy_no_grad"))
    return grad


def reference_gradient(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``F.cross_entropy``'s gradient with respect to ``logits``: (softmax(logits) − one_hot(targets)) / N."""
    leaf = logits.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(leaf, targets), leaf)
    return grad


def check_cross_entropy(cross_entropy) -> None:
    """The checks a student runs: the worked example, one number, huge logits, and the gradient."""
    logits = torch.tensor(EXAMPLE_LOGITS)
    targets = torch.tensor(EXAMPLE_TARGETS)
    result = run_cross_entropy(cross_entropy, logits, targets)
    expect_loss(result, logits, targets, message("cross_entropy_output"))
    passed(message("cross_entropy_small"))
    passed(message("cross_entropy_scalar"))

    # A confident right answer, a close call between two huge logits, and a true class 2000 below
    # the maximum: exp() overflows and log(softmax) underflows to log(0) = -inf; the loss is finite.
    large = torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0], [0.0, 1000.0, -1000.0]])
    large_targets = torch.tensor([0, 2, 2])
    expect_loss(run_cross_entropy(cross_entropy, large, large_targets), large, large_targets,
                message("cross_entropy_output"))
    passed(message("cross_entropy_large"))

    logits = torch.randn(4, 5, generator=torch.Generator().manual_seed(4)) * 2
    targets = torch.tensor([1, 0, 3, 1])  # class 4 absent: the loss must still see all five columns
    grad = gradient_of(cross_entropy, logits, targets, message("cross_entropy_output"))
    expect_tensor(grad, reference_gradient(logits, targets), message("cross_entropy_gradient"),
                  **cross_entropy_tolerance(logits))
    passed(message("cross_entropy_gradient_ok"))
    print(message("all_passed"))
