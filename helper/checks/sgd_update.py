"""Visible checks for the ``sgd_update(parameters, lr)`` exercise (lesson 3): one step of plain SGD.

:func:`run_sgd_update` calls the student's function and watches everything a wrong answer can
get wrong besides the values: the return value, the gradients (left as they are, not zeroed), the
identity of the tensors it was given, autograd left switched on, parameters without a gradient
skipped, and no ``torch.optim`` optimizer doing the work behind the scenes. The hidden tests reuse
it on random models (built by :func:`build_model`) and many steps, split in two: the grading probe
runs :func:`observe_sgd_update`, which reports the call as data, and the judge turns that report
into the same messages with :func:`expect_call` and :func:`expect_parameters`.
"""

from __future__ import annotations


import torch
from torch import nn

from ..i18n import add_messages, message
from .core import CheckFailed, call, expect_tensor, passed, record_optimizers

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
    "sgd_update_missing_step": {
        "en": "the grading process reported no results for step {step}",
        "zh": "评分进程没有报告第 {step} 步的结果",
    },
    "sgd_update_count": {
        "en": "the grading process reported {actual} parameters after sgd_update instead of {expected}",
        "zh": "评分进程报告 sgd_update 之后有 {actual} 个参数，而应该是 {expected} 个",
    },
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


def tolerance(dtype: torch.dtype) -> dict[str, float]:
    """Bit-close: ``p - lr * g`` and SGD's fused ``p.add_(g, alpha=-lr)`` may differ in the last bit or two."""
    eps = torch.finfo(dtype).eps
    return {"rtol": 8 * eps, "atol": 8 * eps}


def observe_sgd_update(sgd_update, parameters: list[torch.Tensor], lr: float, as_generator: bool = False) -> dict:
    """Call ``sgd_update`` on ``parameters`` and report, as plain data, what the call did besides the values.

    ``error``: None, or what it raised (``types``: the exception's classes, ``detail``, ``message``:
    the readable failure); ``optimizers``: torch.optim classes created inside; ``returned``: the type
    name of what it returned (None for None); ``grad_enabled``: autograd on afterwards (it is switched
    back on here either way); ``list_replaced``: elements of the given list replaced; ``grads``: each
    parameter's .grad afterwards (a copy, or None); ``grad_replaced``: .grad is another tensor now.
    The grading probe sends this to the judge; :func:`expect_call` turns it into feedback.
    """
    given = list(parameters)  # the list sgd_update receives (or iterates through)
    originals = list(given)
    grads = [p.grad for p in originals]
    optimizers: list[str] = []
    error = result = None
    with record_optimizers(optimizers):
        try:
            result = call(sgd_update, iter(given) if as_generator else given, lr, name="sgd_update")
        except CheckFailed as failure:
            cause = failure.__cause__
            error = {"types": [c.__name__ for c in type(cause).__mro__] if cause is not None else [],
                     "detail": str(cause) if cause is not None else "", "message": str(failure)}
        finally:
            grad_enabled = torch.is_grad_enabled()
            torch.set_grad_enabled(True)
    return {
        "error": error, "optimizers": list(optimizers),
        "returned": None if result is None else type(result).__name__,
        "grad_enabled": grad_enabled,
        "list_replaced": len(given) != len(originals) or any(a is not b for a, b in zip(given, originals)),
        "grads": [p.grad.detach().clone() if isinstance(p.grad, torch.Tensor) else None for p in originals],
        "grad_replaced": [g is not None and p.grad is not None and p.grad is not g for p, g in zip(originals, grads)],
    }


def grad_tolerance(dtype: torch.dtype) -> dict[str, float]:
    """Gradients recomputed by the judge at parameters a few bits away from the answer's still agree this well."""
    eps = torch.finfo(dtype).eps
    return {"rtol": eps ** 0.5, "atol": eps ** 0.5}


def expect_call(observed: dict, grads: list, before: list, after: list, exact_grads: bool = True) -> None:
    """Fail on anything :func:`observe_sgd_update` saw besides changing the parameters' values in place.

    ``grads`` and ``before``: each parameter's gradient (or None) and value before the call;
    ``after``: the values after it. With ``exact_grads`` the gradients must be left bit for bit,
    otherwise (``grads`` recomputed elsewhere) within :func:`grad_tolerance`.
    """
    frozen = any(g is None for g in grads)
    optimizers = [str(n) for n in observed["optimizers"]]
    error = observed["error"]
    if error is not None:
        if optimizers:
            raise CheckFailed(message("sgd_update_used_optimizer", names=", ".join(optimizers)))
        types, detail = [str(t) for t in error["types"]], str(error["detail"])
        shown = f"{types[0]}: {detail}" if types else detail
        if "RuntimeError" in types and "leaf Variable that requires grad" in detail:
            raise CheckFailed(message("sgd_update_no_grad", error=shown))
        if ("TypeError" in types or "AttributeError" in types) and "NoneType" in detail and frozen:
            raise CheckFailed(message("sgd_update_none_grad", error=shown))
        raise CheckFailed(str(error["message"]))
    if optimizers:
        raise CheckFailed(message("sgd_update_used_optimizer", names=", ".join(optimizers)))
    if observed["returned"] is not None:
        raise CheckFailed(message("sgd_update_returned", kind=str(observed["returned"])))
    if observed["grad_enabled"] is not True:
        raise CheckFailed(message("sgd_update_grad_enabled"))
    if observed["list_replaced"] is not False:
        raise CheckFailed(message("sgd_update_list_changed"))
    reported, replaced = list(observed["grads"]), list(observed["grad_replaced"])
    for index, grad in enumerate(grads):
        if grad is None:
            continue
        now = reported[index] if index < len(reported) else None
        how = ("none" if now is None else "replaced" if replaced[index:index + 1] != [False]
               else "values" if not _same_grad(now, grad, exact_grads) else None)
        if how:
            raise CheckFailed(message("sgd_update_grad_changed", index=index,
                                      how=message(f"sgd_update_grad_how_{how}")))
    for index, (grad, b) in enumerate(zip(grads, before)):
        if grad is None and not _same(after[index], b):
            raise CheckFailed(message("sgd_update_touched_frozen", index=index))


def _same_grad(actual, expected: torch.Tensor, exact: bool) -> bool:
    if not _like(actual, expected):
        return False
    return torch.equal(actual, expected) if exact else bool(
        torch.allclose(actual, expected, **grad_tolerance(expected.dtype)))


def _same(actual, expected: torch.Tensor) -> bool:
    return _like(actual, expected) and torch.equal(actual.detach(), expected.detach())


def _like(actual, expected: torch.Tensor) -> bool:
    """A plain tensor of the same shape, dtype and device (what the judge receives may be anything)."""
    return (type(actual) in (torch.Tensor, nn.Parameter) and actual.shape == expected.shape
            and actual.dtype == expected.dtype and actual.device == expected.device)


def run_sgd_update(sgd_update, parameters: list[torch.Tensor], lr: float, as_generator: bool = False) -> None:
    """Call ``sgd_update`` on ``parameters``; fail on anything but changing their values in place.

    Checks the call itself (no optimizer, no crash, returns None, autograd left on, gradients and the
    list untouched, parameters without gradient untouched). The new values are the caller's to check.
    """
    originals = list(parameters)
    grads = [p.grad.clone() if p.grad is not None else None for p in originals]
    before = [p.detach().clone() for p in originals]
    observed = observe_sgd_update(sgd_update, originals, lr, as_generator)
    expect_call(observed, grads, before, [p.detach() for p in originals])


def expect_parameters(parameters, before, grads, lr: float, expected=None) -> None:
    """The parameters after one step: ``expected`` (default before − lr · grad); names the usual mistakes."""
    if expected is None:
        expected = [b - lr * g if g is not None else b for b, g in zip(before, grads)]
    parameters = [p.detach() if type(p) in (torch.Tensor, nn.Parameter) else p for p in parameters]
    if len(parameters) != len(expected):
        raise CheckFailed(message("sgd_update_count", actual=len(parameters), expected=len(expected)))
    for index, (p, e) in enumerate(zip(parameters, expected)):
        if not _like(p, e):  # the judge's results may hold anything: say what it is, compare nothing else
            expect_tensor(p, e.detach(), message("sgd_update_param", index=index), **tolerance(e.dtype))
    pairs = [(p, b, g, e) for p, b, g, e in zip(parameters, before, grads, expected) if g is not None]
    if pairs and all(torch.equal(p, b) for p, b, _, _ in pairs):
        raise CheckFailed(message("sgd_update_unchanged"))
    if pairs and all(torch.allclose(p, b + lr * g, **tolerance(p.dtype)) for p, b, g, _ in pairs) \
            and not all(torch.allclose(p, e, **tolerance(p.dtype)) for p, _, _, e in pairs):
        raise CheckFailed(message("sgd_update_ascent"))
    for index, p in enumerate(parameters):
        expect_tensor(p.detach(), expected[index].detach(), message("sgd_update_param", index=index),
                      **tolerance(p.dtype))


class UnusedLayerMLP(nn.Module):
    """A small MLP with a layer that forward never uses: its parameters keep .grad = None."""

    def __init__(self, sizes):
        super().__init__()
        self.fc1 = nn.Linear(sizes[0], sizes[1])
        self.unused = nn.Linear(sizes[1], sizes[1])
        self.fc2 = nn.Linear(sizes[1], sizes[2])

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


class TinyConvNet(nn.Module):
    """One 3×3 convolution and a linear layer, for 1×8×8 inputs."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)
        self.fc = nn.Linear(3 * 6 * 6, 4)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.conv(x)), 1))


def new_model(kind: str, sizes) -> nn.Module:
    """A freshly initialised model of one kind: ``"mlp"`` (:class:`UnusedLayerMLP` of ``sizes``) or ``"conv"``."""
    return UnusedLayerMLP([int(n) for n in sizes]) if kind == "mlp" else TinyConvNet()


def build_model(spec: dict) -> nn.Module:
    """The model a grading case describes: ``spec["kind"]`` and ``spec["sizes"]`` (see :func:`new_model`)
    with the weights of ``spec["state"]`` (their dtype and device too)."""
    with torch.random.fork_rng(devices=[]):  # the default initialisation is overwritten: leave the RNG alone
        model = new_model(spec["kind"], spec["sizes"])
    state = spec["state"]
    first = next(iter(state.values()))
    model = model.to(device=first.device, dtype=first.dtype)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            parameter.copy_(state[name])
    return model


def backward(model: nn.Module, x: torch.Tensor) -> None:
    """Fresh gradients for one training step: zero_grad, then the mean squared output backward."""
    model.zero_grad()
    model(x).pow(2).mean().backward()


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
