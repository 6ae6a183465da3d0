"""Visible checks for the ``sgd_update(parameters, lr)`` exercise (lesson 3): one step of plain SGD.

:func:`run_sgd_update` calls the student's function and watches everything a wrong answer can
get wrong besides the values: the return value, the gradients (left as they are, not zeroed), the
identity of the tensors it was given, autograd left switched on, parameters without a gradient
skipped, and no ``torch.optim`` optimizer doing the work behind the scenes. The hidden tests reuse
it on random models and many steps.
"""

from __future__ import annotations

from contextlib import contextmanager

import torch
from torch import nn

from ..i18n import add_messages, message
from .core import CheckFailed, call, expect_tensor, passed

add_messages({
    "sgd_update_no_grad": {
        "en": "sgd_update changed a parameter in place while autograd was recording it, and PyTorch refused "
              "({error}). The update is not part of the model's computation: wrap it in "
              "`with torch.no_grad():`.",
        "zh": "sgd_update 在自动求导（autograd）仍在记录时原地修改了参数，PyTorch 拒绝了这个操作"
              "（{error}）。参数更新不属于模型的计算过程：请把它放在 `with torch.no_grad():` 里面。",
    },
    "sgd_update_none_grad": {
        "en": "sgd_update crashed on a parameter whose .grad is None ({error}). A parameter that took no part "
              "in the loss has no gradient yet: skip it (`if p.grad is None: continue`).",
        "zh": "sgd_update 在一个 .grad 为 None 的参数上出错了（{error}）。没有参与计算损失的参数还没有梯度："
              "请跳过它（`if p.grad is None: continue`）。",
    },
    "sgd_update_used_optimizer": {
        "en": "sgd_update creates a torch.optim optimizer ({names}). Write the update yourself, "
              "p ← p − lr · p.grad for each parameter, without torch.optim.",
        "zh": "sgd_update 创建了 torch.optim 优化器（{names}）。请自己写出更新步骤：对每个参数做 "
              "p ← p − lr · p.grad，不要使用 torch.optim。",
    },
    "sgd_update_returned": {
        "en": "sgd_update should return None (it changes the parameters in place), but it returned a {kind}.",
        "zh": "sgd_update 应该返回 None（它原地修改参数），但它返回了 {kind}。",
    },
    "sgd_update_grad_enabled": {
        "en": "After sgd_update, autograd is switched off for the rest of the notebook. Use "
              "`with torch.no_grad():`, which switches it back on when the block ends, instead of "
              "torch.set_grad_enabled(False).",
        "zh": "调用 sgd_update 之后，自动求导在整个笔记本里都被关掉了。请使用 `with torch.no_grad():`，"
              "代码块结束时它会自动恢复，而不是 torch.set_grad_enabled(False)。",
    },
    "sgd_update_grad_changed": {
        "en": "sgd_update changed the gradient of parameter {index} (its .grad {how}). The update must leave "
              ".grad as it is: clearing gradients is a separate step of the training loop (zero_grad).",
        "zh": "sgd_update 修改了索引为 {index} 的参数的梯度（它的 .grad {how}）。更新参数时不能改动 .grad："
              "清空梯度是训练循环里单独的一步（zero_grad）。",
    },
    "sgd_update_grad_how_none": {"en": "became None", "zh": "变成了 None"},
    "sgd_update_grad_how_replaced": {"en": "was replaced by another tensor", "zh": "被换成了另一个张量"},
    "sgd_update_grad_how_values": {"en": "has different values now", "zh": "的数值变了"},
    "sgd_update_list_changed": {
        "en": "sgd_update replaced elements of the list it was given. Change each parameter tensor in place "
              "instead (p -= ..., p.sub_(...)): the model holds the original tensors, not the list.",
        "zh": "sgd_update 替换了传入列表中的元素。请原地修改每个参数张量（p -= ...、p.sub_(...)）："
              "模型持有的是原来的张量，而不是这个列表。",
    },
    "sgd_update_unchanged": {
        "en": "The parameters did not change. `p = p - lr * p.grad` computes a new tensor and makes the name p "
              "point to it; the Parameter inside the model stays as it was. Change it in place: "
              "`p -= lr * p.grad` (inside torch.no_grad()).",
        "zh": "参数没有变化。`p = p - lr * p.grad` 会计算出一个新张量，再让变量名 p 指向它；模型里的参数"
              "本身并没有变。请原地修改它：`p -= lr * p.grad`（放在 torch.no_grad() 里）。",
    },
    "sgd_update_ascent": {
        "en": "The parameters moved by +lr · grad, uphill. Gradient descent goes against the gradient: "
              "p ← p − lr · p.grad.",
        "zh": "参数沿 +lr · grad 的方向移动了，也就是往“上坡”走。梯度下降要逆着梯度走：p ← p − lr · p.grad。",
    },
    "sgd_update_touched_frozen": {
        "en": "sgd_update changed parameter {index}, which has no gradient (.grad is None): leave such "
              "parameters as they are.",
        "zh": "sgd_update 修改了索引为 {index} 的参数，可它没有梯度（.grad 为 None）：这样的参数应保持不变。",
    },
    "sgd_update_param": {"en": "parameter {index} after sgd_update", "zh": "sgd_update 之后索引为 {index} 的参数"},
    "sgd_update_example": {
        "en": "worked example, lr = {lr}:\n    w before  {before}\n    w.grad    {grad}\n"
              "    w after   {after}   (w − lr · w.grad)",
        "zh": "手算示例，lr = {lr}：\n    更新前 w   {before}\n    w.grad     {grad}\n"
              "    更新后 w   {after}   （w − lr · w.grad）",
    },
    "sgd_update_example_ok": {
        "en": "w ← w − lr · w.grad, in place (the same Parameter objects)",
        "zh": "w ← w − lr · w.grad，原地更新（还是原来那些 Parameter 对象）",
    },
    "sgd_update_grads_ok": {
        "en": "gradients left as they were, returns None, autograd still on",
        "zh": "梯度保持不变，返回 None，自动求导仍然开启",
    },
    "sgd_update_frozen_ok": {
        "en": "a parameter without gradient (.grad is None) is skipped",
        "zh": "没有梯度（.grad 为 None）的参数被跳过",
    },
    "sgd_update_optim_ok": {
        "en": "one step on model.parameters() equals torch.optim.SGD(lr={lr}).step()",
        "zh": "对 model.parameters() 更新一步，结果与 torch.optim.SGD(lr={lr}).step() 相同",
    },
})


@contextmanager
def _record_optimizers(log: list[str]):
    """Note the class of every torch.optim optimizer created inside the block (then restore torch.optim)."""
    original = torch.optim.Optimizer.__init__

    def recording_init(self, *args, **kwargs):
        log.append(type(self).__name__)
        return original(self, *args, **kwargs)

    torch.optim.Optimizer.__init__ = recording_init
    try:
        yield
    finally:
        torch.optim.Optimizer.__init__ = original


def tolerance(dtype: torch.dtype) -> dict[str, float]:
    """Bit-close: ``p - lr * g`` and SGD's fused ``p.add_(g, alpha=-lr)`` may differ in the last bit or two."""
    eps = torch.finfo(dtype).eps
    return {"rtol": 8 * eps, "atol": 8 * eps}


def run_sgd_update(sgd_update, parameters: list[torch.Tensor], lr: float, as_generator: bool = False) -> None:
    """Call ``sgd_update`` on ``parameters``; fail on anything but changing their values in place.

    Checks the call itself (no optimizer, no crash, returns None, autograd left on, gradients and the
    list untouched, parameters without gradient untouched). The new values are the caller's to check.
    """
    given = list(parameters)  # the list sgd_update receives (or iterates through)
    originals = list(given)
    grads = [p.grad for p in originals]
    grad_copies = [g.clone() if g is not None else None for g in grads]
    frozen = {i: p.detach().clone() for i, p in enumerate(originals) if p.grad is None}
    optimizers: list[str] = []
    with _record_optimizers(optimizers):
        try:
            result = call(sgd_update, iter(given) if as_generator else given, lr, name="sgd_update")
        except CheckFailed as failure:
            error = failure.__cause__
            if optimizers:
                raise CheckFailed(message("sgd_update_used_optimizer", names=", ".join(optimizers))) from None
            detail = f"{type(error).__name__}: {error}"
            if isinstance(error, RuntimeError) and "leaf Variable that requires grad" in str(error):
                raise CheckFailed(message("sgd_update_no_grad", error=detail)) from None
            if isinstance(error, (TypeError, AttributeError)) and "NoneType" in str(error) and frozen:
                raise CheckFailed(message("sgd_update_none_grad", error=detail)) from None
            raise
        finally:
            grad_enabled = torch.is_grad_enabled()
            torch.set_grad_enabled(True)
    if optimizers:
        raise CheckFailed(message("sgd_update_used_optimizer", names=", ".join(optimizers)))
    if result is not None:
        raise CheckFailed(message("sgd_update_returned", kind=type(result).__name__))
    if not grad_enabled:
        raise CheckFailed(message("sgd_update_grad_enabled"))
    if len(given) != len(originals) or any(a is not b for a, b in zip(given, originals)):
        raise CheckFailed(message("sgd_update_list_changed"))
    for index, (p, grad, copy) in enumerate(zip(originals, grads, grad_copies)):
        if grad is None:
            continue
        how = ("none" if p.grad is None else "replaced" if p.grad is not grad
               else "values" if not torch.equal(p.grad, copy) else None)
        if how:
            raise CheckFailed(message("sgd_update_grad_changed", index=index,
                                      how=message(f"sgd_update_grad_how_{how}")))
    for index, before in frozen.items():
        if not torch.equal(originals[index].detach(), before):
            raise CheckFailed(message("sgd_update_touched_frozen", index=index))


def expect_parameters(parameters, before, grads, lr: float, expected=None) -> None:
    """The parameters after one step: ``expected`` (default before − lr · grad); names the usual mistakes."""
    if expected is None:
        expected = [b - lr * g if g is not None else b for b, g in zip(before, grads)]
    pairs = [(p.detach(), b, g, e) for p, b, g, e in zip(parameters, before, grads, expected) if g is not None]
    if pairs and all(torch.equal(p, b) for p, b, _, _ in pairs):
        raise CheckFailed(message("sgd_update_unchanged"))
    if pairs and all(torch.allclose(p, b + lr * g, **tolerance(p.dtype)) for p, b, g, _ in pairs) \
            and not all(torch.allclose(p, e, **tolerance(p.dtype)) for p, _, _, e in pairs):
        raise CheckFailed(message("sgd_update_ascent"))
    for index, p in enumerate(parameters):
        expect_tensor(p.detach(), expected[index].detach(), message("sgd_update_param", index=index),
                      **tolerance(p.dtype))


def check_sgd_update(sgd_update) -> None:
    """The checks a student runs: a worked example, what must stay untouched, and torch.optim.SGD."""
    lr = 0.1
    w = nn.Parameter(torch.tensor([1.0, -2.0, 3.0]))
    b = nn.Parameter(torch.tensor([0.5]))
    frozen = nn.Parameter(torch.tensor([7.0, 7.0]))  # no gradient: must be skipped
    w.grad = torch.tensor([0.5, 0.5, -1.0])
    b.grad = torch.tensor([2.0])
    parameters = [w, b, frozen]
    before = [p.detach().clone() for p in parameters]
    grads = [p.grad for p in parameters]
    run_sgd_update(sgd_update, parameters, lr)
    print(message("sgd_update_example", lr=lr, before=_show(before[0]), grad=_show(w.grad), after=_show(w)))
    expect_parameters(parameters, before, grads, lr)
    passed(message("sgd_update_example_ok"))
    passed(message("sgd_update_grads_ok"))
    passed(message("sgd_update_frozen_ok"))

    # One step on a small model, against PyTorch's own SGD, with model.parameters() (a generator).
    torch_lr = 0.05
    generator = torch.Generator().manual_seed(0)
    model = nn.Linear(4, 3)
    with torch.no_grad():
        model.weight.copy_(torch.randn(3, 4, generator=generator))
        model.bias.copy_(torch.randn(3, generator=generator))
    twin = nn.Linear(4, 3)
    twin.load_state_dict(model.state_dict())
    x = torch.randn(8, 4, generator=generator)
    for m in (model, twin):
        m(x).pow(2).mean().backward()
    before = [p.detach().clone() for p in model.parameters()]
    grads = [p.grad.clone() for p in model.parameters()]
    run_sgd_update(sgd_update, list(model.parameters()), torch_lr, as_generator=True)
    torch.optim.SGD(twin.parameters(), lr=torch_lr).step()
    expect_parameters(list(model.parameters()), before, grads, torch_lr,
                      expected=[p.detach() for p in twin.parameters()])
    passed(message("sgd_update_optim_ok", lr=torch_lr))
    print(message("all_passed"))


def _show(t: torch.Tensor) -> str:
    return "[" + ", ".join(f"{v:g}" for v in t.detach().tolist()) + "]"
