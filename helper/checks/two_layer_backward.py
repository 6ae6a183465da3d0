"""Visible checks for the ``two_layer_backward(X, y, W1, W2)`` exercise (lesson 5).

The network is ``h = σ(X W1)``, ``ŷ = σ(h W2)`` with the mean binary cross-entropy as loss; the
student returns ``(dW1, dW2)`` computed by hand with the chain rule.

**How autograd is kept out.** The exercise is to do by hand what ``backward()`` does, so the
student's function is always called

* with inputs that do not require grad, inside ``torch.no_grad()``: a plain ``loss.backward()``
  or ``torch.autograd.grad(...)`` then fails ("element 0 of tensors does not require grad"), and
  that failure is reported as "uses autograd", not as a crash;
* under ``torch.autograd.graph.saved_tensors_hooks``, whose pack hook runs whenever *any* operation
  records a tensor for a backward pass. With grad mode off and no input requiring grad nothing is
  ever recorded by a hand-written solution, so a single call of the hook proves that a graph was
  built, even by a student who re-enabled grad mode (``torch.enable_grad()``,
  ``torch.inference_mode(False)``) and made their own copies with ``requires_grad_()``. The hook
  only records; the verdict is given after the call returns, so a ``try``/``except`` in the
  student's code cannot hide it. ``torch.func.grad``/``vjp`` refuse to run under such hooks,
  which is reported the same way;
* and afterwards the inputs are compared with copies (values, version counter, ``requires_grad``),
  so an answer that also takes a gradient-descent step in place, or flips ``requires_grad`` on the
  caller's weights, is caught.

This needs no dispatcher log (``forbid_operators``), which would also see the forward pass's own
operators: autograd's backward of ``mm`` is ``mm`` again, so operator names cannot tell the two apart.
"""

from __future__ import annotations

import re

import torch
import torch.nn.functional as F
from torch.autograd.graph import saved_tensors_hooks

from ..i18n import add_messages, message
from .core import CheckFailed, call, expect_tensor, expect_unchanged, passed, type_name

add_messages({
    "two_layer_backward_shapes": {
        "en": "returns (dW1, dW2) with the shapes of W1 {shape1} and W2 {shape2}",
        "zh": "返回的 (dW1, dW2) 与 W1 {shape1}、W2 {shape2} 形状相同",
    },
    "two_layer_backward_worked": {
        "en": "the worked example matches autograd (largest difference {error})",
        "zh": "示例结果与 autograd 一致（最大差值 {error}）",
    },
    "two_layer_backward_gradcheck": {
        "en": "gradient check with central differences (float64, ε = {eps}): relative error {error1} for dW1, "
              "{error2} for dW2",
        "zh": "用中心差分做梯度检验（float64，ε = {eps}）：dW1 的相对误差为 {error1}，dW2 的为 {error2}",
    },
    "two_layer_backward_float32": {
        "en": "float32 inputs give float32 gradients",
        "zh": "输入为 float32 时，梯度也是 float32",
    },
    "two_layer_backward_not_pair": {
        "en": "two_layer_backward should return a tuple (dW1, dW2) of two tensors, but it returned {kind}.",
        "zh": "two_layer_backward 应该返回由两个张量组成的元组 (dW1, dW2)，但它返回的是 {kind}。",
    },
    "two_layer_backward_autograd": {
        "en": "two_layer_backward uses autograd (backward(), torch.autograd.grad or requires_grad): this "
              "exercise asks you to compute the gradients by hand, with the chain rule and matrix products.",
        "zh": "two_layer_backward 用了 autograd（backward()、torch.autograd.grad 或 requires_grad）："
              "这个练习要求你用链式法则和矩阵乘法亲手算出梯度。",
    },
    "two_layer_backward_transposed": {
        "en": "{what} has shape {actual}, expected {expected}: it looks transposed. A gradient has the "
              "shape of its weight; check which factor of the matrix product needs the transpose.",
        "zh": "{what} 的形状是 {actual}，应为 {expected}：看起来是转置了。梯度的形状与对应的权重相同，"
              "检查一下矩阵乘法里哪一个因子需要转置。",
    },
    "two_layer_backward_times_n": {
        "en": "{what} is exactly N = {n} times too large: the loss is the mean over the N examples, "
              "so dL/dz2 = (ŷ − y) / N.",
        "zh": "{what} 恰好大了 N = {n} 倍：损失是 N 个样本的平均值，所以 dL/dz2 = (ŷ − y) / N。",
    },
    "two_layer_backward_sign": {
        "en": "{what} has the wrong sign everywhere: dL/dz2 is (ŷ − y) / N, not (y − ŷ) / N.",
        "zh": "{what} 的符号全反了：dL/dz2 是 (ŷ − y) / N，而不是 (y − ŷ) / N。",
    },
    "two_layer_backward_gradcheck_failed": {
        "en": "gradient check failed for {what}: relative error {error} between your gradient and the "
              "central differences (a correct gradient gives less than {limit}).",
        "zh": "{what} 没有通过梯度检验：你的梯度与中心差分结果之间的相对误差为 {error}"
              "（正确的梯度应小于 {limit}）。",
    },
})

NAMES = ("dW1", "dW2")
EPSILON = 1e-6
"""Step of the central differences: float64 rounding (~1e-16 / ε) and truncation (~ε²) both stay tiny."""
GRADCHECK_LIMIT = 1e-6
"""Largest relative error a correct float64 gradient shows against the central differences."""

# The lesson's worked example: N = 2 examples, D = 2 inputs, H = 2 hidden units.
EXAMPLE = {
    "X": [[1.0, 2.0], [-1.0, 0.5]],
    "y": [[1.0], [0.0]],
    "W1": [[0.5, -0.3], [0.2, 0.4]],
    "W2": [[0.7], [-0.6]],
}

AUTOGRAD_ERRORS = re.compile(r"does not require grad|grad_fn|saved tensor hooks|grad can be implicitly created")


def two_layer_loss(X, y, W1, W2) -> torch.Tensor:
    """Mean binary cross-entropy of ``σ(σ(X W1) W2)`` against ``y``, written from the logits to stay exact."""
    z2 = torch.sigmoid(X @ W1) @ W2
    return F.binary_cross_entropy_with_logits(z2, y)


def autograd_gradients(X, y, W1, W2) -> tuple[torch.Tensor, torch.Tensor]:
    """The reference: autograd's (dW1, dW2), computed in float64 and returned in W1's dtype."""
    with torch.enable_grad():
        a = W1.detach().double().requires_grad_(True)
        b = W2.detach().double().requires_grad_(True)
        grads = torch.autograd.grad(two_layer_loss(X.detach().double(), y.detach().double(), a, b), (a, b))
    return tuple(g.to(W1.dtype) for g in grads)


def numerical_gradients(X, y, W1, W2, eps: float = EPSILON) -> tuple[torch.Tensor, torch.Tensor]:
    """Central differences in float64, (L(W + ε e) − L(W − ε e)) / 2ε, for every entry of W1 and W2 at once."""
    X, y, W1, W2 = (t.detach().double() for t in (X, y, W1, W2))

    def losses(W1s, W2s):  # one loss per stacked pair of weights: (K, D, H) and (K, H, 1) -> (K,)
        z2 = torch.sigmoid(X @ W1s) @ W2s
        return F.binary_cross_entropy_with_logits(z2, y.expand_as(z2), reduction="none").mean(dim=(1, 2))

    with torch.no_grad():
        k1, k2 = W1.numel(), W2.numel()
        steps1 = eps * torch.eye(k1, dtype=W1.dtype, device=W1.device).reshape(k1, *W1.shape)
        steps2 = eps * torch.eye(k2, dtype=W2.dtype, device=W2.device).reshape(k2, *W2.shape)
        W1s, W2s = W1.expand(k2, *W1.shape), W2.expand(k1, *W2.shape)  # the weight held fixed
        dW1 = (losses(W1 + steps1, W2s) - losses(W1 - steps1, W2s)) / (2 * eps)
        dW2 = (losses(W1s, W2 + steps2) - losses(W1s, W2 - steps2)) / (2 * eps)
    return dW1.reshape(W1.shape), dW2.reshape(W2.shape)


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖): about 1e-16 for equal float64 tensors, 1 for unrelated ones."""
    a, b = a.detach().double(), b.detach().double()
    return ((a - b).norm() / (a.norm() + b.norm()).clamp_min(1e-12)).item()


def run_two_layer_backward(two_layer_backward, X, y, W1, W2):
    """Call the student's function with autograd out of reach; fail if it used autograd or changed an input."""
    inputs = [(t, t._version, t.detach().clone(), t.requires_grad) for t in (X, y, W1, W2)]
    recorded = []

    def pack(tensor):  # runs only when an operation saves a tensor for backward: a graph is being built
        recorded.append(True)
        return tensor

    try:
        with torch.no_grad(), saved_tensors_hooks(pack, lambda tensor: tensor):
            result = call(two_layer_backward, X, y, W1, W2, name="two_layer_backward")
    except CheckFailed as failure:
        cause = failure.__cause__
        if recorded or (isinstance(cause, RuntimeError) and AUTOGRAD_ERRORS.search(str(cause))):
            raise CheckFailed(message("two_layer_backward_autograd")) from None
        raise
    if recorded or any(t.requires_grad != flag for t, _, _, flag in inputs):
        raise CheckFailed(message("two_layer_backward_autograd"))
    for tensor, version, original, _ in inputs:
        expect_unchanged(tensor, version, original, name="two_layer_backward")
    return result


def expect_pair(result) -> None:
    """Fail unless ``result`` is a tuple (or list) of two tensors."""
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        kind = f"{type(result).__name__} of length {len(result)}" if isinstance(result, (tuple, list)) \
            else type_name(result)
        raise CheckFailed(message("two_layer_backward_not_pair", kind=kind))


def expect_shapes(result, W1, W2) -> None:
    """Fail unless the result is (dW1, dW2), tensors shaped like W1 and W2 with their dtype and device."""
    expect_pair(result)
    for actual, weight, name in zip(result, (W1, W2), NAMES):
        if type(actual) is torch.Tensor and actual.shape != weight.shape and actual.shape == weight.shape[::-1]:
            raise CheckFailed(message("two_layer_backward_transposed", what=name,
                                      actual=tuple(actual.shape), expected=tuple(weight.shape)))
        # Any finite values pass here: only the type, shape, dtype and device are compared.
        expect_tensor(actual, torch.zeros_like(weight), name, atol=float("inf"))


def expect_gradients(result, expected, n: int, where: str = "", **tolerance) -> None:
    """Compare (dW1, dW2) with ``expected``, dW2 first (backprop finds it first), naming common slips."""
    expect_pair(result)
    for index in (1, 0):
        actual, want, what = result[index], expected[index], NAMES[index] + where
        if type(actual) is torch.Tensor and actual.dtype == want.dtype and actual.device == want.device:
            if actual.shape != want.shape and actual.shape == want.shape[::-1]:
                raise CheckFailed(message("two_layer_backward_transposed", what=what,
                                          actual=tuple(actual.shape), expected=tuple(want.shape)))
            if actual.shape == want.shape and not torch.allclose(actual, want, **tolerance):
                if n > 1 and torch.allclose(actual, n * want, **tolerance):
                    raise CheckFailed(message("two_layer_backward_times_n", what=what, n=n))
                if torch.allclose(actual, -want, **tolerance):
                    raise CheckFailed(message("two_layer_backward_sign", what=what))
        expect_tensor(actual, want, what, **tolerance)


def expect_gradient_check(result, X, y, W1, W2, where: str = "") -> tuple[float, float]:
    """Relative errors of (dW1, dW2) against central differences; fail above ``GRADCHECK_LIMIT``."""
    errors = []
    for name, actual, numerical in zip(NAMES, result, numerical_gradients(X, y, W1, W2)):
        error = relative_error(actual, numerical)
        if not error < GRADCHECK_LIMIT:
            raise CheckFailed(message("two_layer_backward_gradcheck_failed", what=name + where,
                                      error=f"{error:.2g}", limit=f"{GRADCHECK_LIMIT:g}"))
        errors.append(error)
    return errors[0], errors[1]


def float64_tolerance() -> dict[str, float]:
    return {"rtol": 1e-7, "atol": 1e-10}


def float32_tolerance() -> dict[str, float]:
    return {"rtol": 1e-4, "atol": 1e-6}


def random_problem(n: int, d: int, h: int, seed: int, dtype=torch.float64, device="cpu"):
    """Inputs, 0/1 labels and weights of a random two-layer problem (seeded)."""
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(n, d, generator=generator, dtype=dtype)
    y = torch.randint(0, 2, (n, 1), generator=generator).to(dtype)
    W1 = torch.randn(d, h, generator=generator, dtype=dtype)
    W2 = torch.randn(h, 1, generator=generator, dtype=dtype)
    return tuple(t.to(device) for t in (X, y, W1, W2))


def check_two_layer_backward(two_layer_backward) -> None:
    """The checks a student runs: shapes, the worked example against autograd, a gradient check, float32."""
    problem = random_problem(5, 3, 4, seed=5)
    expect_shapes(run_two_layer_backward(two_layer_backward, *problem), problem[2], problem[3])
    passed(message("two_layer_backward_shapes", shape1=tuple(problem[2].shape), shape2=tuple(problem[3].shape)))

    example = tuple(torch.tensor(EXAMPLE[key], dtype=torch.float64) for key in ("X", "y", "W1", "W2"))
    expected = autograd_gradients(*example)
    result = run_two_layer_backward(two_layer_backward, *example)
    expect_gradients(result, expected, n=2, **float64_tolerance())
    largest = max((a - b).abs().max().item() for a, b in zip(result, expected))
    passed(message("two_layer_backward_worked", error=f"{largest:.1e}"))

    result = run_two_layer_backward(two_layer_backward, *problem)
    expect_gradients(result, autograd_gradients(*problem), n=5, **float64_tolerance())
    error1, error2 = expect_gradient_check(result, *problem)
    passed(message("two_layer_backward_gradcheck", eps=f"{EPSILON:g}", error1=f"{error1:.1e}",
                   error2=f"{error2:.1e}"))

    single = tuple(t.float() for t in problem)
    result = run_two_layer_backward(two_layer_backward, *single)
    expect_gradients(result, autograd_gradients(*single), n=5, **float32_tolerance())
    passed(message("two_layer_backward_float32"))
    print(message("all_passed"))
