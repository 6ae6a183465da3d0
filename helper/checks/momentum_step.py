"""Visible checks for ``momentum_step(params, velocities, lr, momentum)`` (lesson 7), and the lesson's plot labels.

One step of SGD with momentum in PyTorch's form, ``v ← μ·v + g`` then ``p ← p − lr·v``, both in place.
:func:`run_momentum_step` calls the student's function and watches the call: no ``torch.optim``
optimizer created inside, None returned, autograd left on, the gradients untouched, the tensors in
both lists still the same objects. :func:`expect_step` then compares the new velocities and
parameters with the right ones and, when they differ, with the usual wrong variants (velocity
rebound instead of updated, lr folded into the velocity, dampening, Nesterov, the gradient used
instead of the velocity), so the message names the mistake. The hidden tests reuse both, split in
two: the grading probe runs :func:`observe_momentum_step`, which reports the call as data, and the
judge turns that report into the same messages with :func:`expect_call` and :func:`expect_step`.
"""

from __future__ import annotations


import torch

from ..i18n import add_messages, message
from .core import CheckFailed, call, expect_tensor, passed, record_optimizers

add_messages({
    # Plot labels of lesson 7.
    "momentum_step_plain_gd": {"en": "Plain gradient descent, lr = {lr}", "zh": "普通梯度下降，lr = {lr}"},
    "momentum_step_with_mu": {"en": "Momentum μ = {mu}, lr = {lr}", "zh": "动量 μ = {mu}，lr = {lr}"},
    "momentum_step_start": {"en": "start", "zh": "起点"},
    "momentum_step_minimum": {"en": "minimum", "zh": "最小值"},
    "momentum_step_step": {"en": "Step", "zh": "步数"},
    "momentum_step_loss_log": {"en": "Loss f(x, y) (log scale)", "zh": "损失 f(x, y)（对数坐标）"},
    # Visible checks.
    "momentum_step_used_optimizer": {
        "en": "momentum_step creates a torch.optim optimizer ({names}). Write the two updates yourself: "
              "v ← momentum·v + p.grad, then p ← p − lr·v.",
        "zh": "momentum_step 创建了 torch.optim 优化器（{names}）。请自己写出这两步更新："
              "v ← momentum·v + p.grad，然后 p ← p − lr·v。",
    },
    "momentum_step_no_grad": {
        "en": "momentum_step changed a parameter in place while autograd was recording it, and PyTorch refused "
              "({error}). The update is not part of the model's computation: wrap it in `with torch.no_grad():`.",
        "zh": "momentum_step 在自动求导仍在记录时原地修改了参数，PyTorch 拒绝了这个操作（{error}）。"
              "参数更新不属于模型的计算过程：请把它放在 `with torch.no_grad():` 里面。",
    },
    "momentum_step_returned": {
        "en": "momentum_step should return None (it changes its arguments in place), but it returned a {kind}.",
        "zh": "momentum_step 应该返回 None（它原地修改传入的张量），但它返回了 {kind}。",
    },
    "momentum_step_grad_enabled": {
        "en": "After momentum_step, autograd is switched off for the rest of the notebook. Use "
              "`with torch.no_grad():`, which switches it back on when the block ends.",
        "zh": "调用 momentum_step 之后，自动求导在整个笔记本里都被关掉了。请使用 `with torch.no_grad():`，"
              "代码块结束时它会自动恢复。",
    },
    "momentum_step_grad_changed": {
        "en": "momentum_step changed the gradient of parameter {index}. Leave .grad as it is: clearing "
              "gradients is a separate step of the training loop (zero_grad).",
        "zh": "momentum_step 修改了第 {index} 个参数的梯度。请不要改动 .grad：清空梯度是训练循环里单独的一步（zero_grad）。",
    },
    "momentum_step_list_changed": {
        "en": "momentum_step replaced elements of the {which} list it was given. Update each tensor in place "
              "(v.mul_(momentum).add_(p.grad), p -= lr * v): the caller keeps the original tensors, not new ones.",
        "zh": "momentum_step 替换了传入的 {which} 列表中的元素。请原地更新每个张量"
              "（v.mul_(momentum).add_(p.grad)、p -= lr * v）：调用者持有的是原来的张量，而不是新的。",
    },
    "momentum_step_velocity_unchanged": {
        "en": "The velocities did not change. `v = momentum * v + p.grad` computes a new tensor and makes the "
              "name v point to it; the tensor in the velocities list stays as it was, and the next step starts "
              "from zero velocity again. Update it in place: `v.mul_(momentum).add_(p.grad)`.",
        "zh": "速度没有变化。`v = momentum * v + p.grad` 会计算出一个新张量，再让变量名 v 指向它；"
              "velocities 列表里的张量本身并没有变，下一步又会从零速度开始。请原地更新它："
              "`v.mul_(momentum).add_(p.grad)`。",
    },
    "momentum_step_velocity_lr": {
        "en": "The velocities hold lr × (what PyTorch keeps): v ← μ·v + lr·g is the other common form of momentum. "
              "This exercise uses PyTorch's: v ← momentum·v + p.grad, and the learning rate only in p ← p − lr·v.",
        "zh": "速度里存的是 lr ×（PyTorch 保存的值）：v ← μ·v + lr·g 是动量的另一种常见写法。"
              "本练习使用 PyTorch 的写法：v ← momentum·v + p.grad，学习率只出现在 p ← p − lr·v 中。",
    },
    "momentum_step_dampening": {
        "en": "The velocities are momentum·v + (1 − momentum)·g: that is momentum with dampening (an average of "
              "the gradients). PyTorch's default, and this exercise, adds the whole gradient: v ← momentum·v + p.grad.",
        "zh": "速度算成了 momentum·v + (1 − momentum)·g：这是带阻尼（dampening）的动量，相当于对梯度求平均。"
              "PyTorch 的默认做法（也是本练习的要求）是加上完整的梯度：v ← momentum·v + p.grad。",
    },
    "momentum_step_param_unchanged": {
        "en": "The parameters did not change. `p = p - lr * v` makes the name p point to a new tensor; the "
              "parameter in the list stays as it was. Change it in place: `p -= lr * v` (inside torch.no_grad()).",
        "zh": "参数没有变化。`p = p - lr * v` 只是让变量名 p 指向一个新张量，列表里的参数本身并没有变。"
              "请原地修改它：`p -= lr * v`（放在 torch.no_grad() 里）。",
    },
    "momentum_step_used_gradient": {
        "en": "The parameters moved by −lr·p.grad, a plain SGD step: the velocity was computed but not used. "
              "Step along the velocity: p ← p − lr·v, with v already updated.",
        "zh": "参数移动了 −lr·p.grad，这是普通 SGD 的一步：速度算出来了却没有用上。"
              "请沿速度方向更新：p ← p − lr·v（用更新后的 v）。",
    },
    "momentum_step_nesterov": {
        "en": "The parameters moved by −lr·(g + momentum·v): that is Nesterov momentum. This exercise is the "
              "classic (heavy-ball) form, torch.optim.SGD's default: p ← p − lr·v.",
        "zh": "参数移动了 −lr·(g + momentum·v)：这是 Nesterov 动量。本练习要求经典的（重球）动量，"
              "也就是 torch.optim.SGD 的默认做法：p ← p − lr·v。",
    },
    "momentum_step_velocity": {"en": "velocity {index} after the step", "zh": "这一步之后的第 {index} 个速度"},
    "momentum_step_param": {"en": "parameter {index} after the step", "zh": "这一步之后的第 {index} 个参数"},
    "momentum_step_count": {
        "en": "the grading process reported {actual} {what} tensors after the step instead of {expected}",
        "zh": "评分进程报告这一步之后有 {actual} 个 {what} 张量，而应该是 {expected} 个",
    },
    "momentum_step_missing_step": {
        "en": "the grading process reported no results for step {step}",
        "zh": "评分进程没有报告第 {step} 步的结果",
    },
    "momentum_step_example": {
        "en": "worked example, lr = {lr}, momentum = {mu}:\n"
              "    p      {p}      v      {v}      p.grad {g}\n"
              "    v ← {mu}·v + p.grad = {v_new}\n"
              "    p ← p − {lr}·v      = {p_new}",
        "zh": "手算示例，lr = {lr}，momentum = {mu}：\n"
              "    p      {p}      v      {v}      p.grad {g}\n"
              "    v ← {mu}·v + p.grad = {v_new}\n"
              "    p ← p − {lr}·v      = {p_new}",
    },
    "momentum_step_example_ok": {
        "en": "the worked example: velocities and parameters updated in place, gradients untouched, returns None",
        "zh": "手算示例：速度和参数都原地更新，梯度保持不变，返回 None",
    },
    "momentum_step_bowl_ok": {
        "en": "{steps} steps on the bowl f(x, y) = x²/20 + y², lr = {lr}, momentum = {mu}: "
              "largest difference from torch.optim.SGD {diff:.2g}",
        "zh": "在碗形曲面 f(x, y) = x²/20 + y² 上走 {steps} 步，lr = {lr}，momentum = {mu}："
              "与 torch.optim.SGD 的最大差异为 {diff:.2g}",
    },
})


def tolerance(reference: torch.Tensor, steps: int = 1) -> dict[str, float]:
    """Bit-close: ``p -= lr * v`` and SGD's fused ``p.add_(v, alpha=-lr)`` may differ in the last bit,
    once per step; the differences add up over a trajectory, on the scale of its largest value."""
    eps = torch.finfo(reference.dtype).eps
    scale = max(1.0, reference.detach().abs().max().item()) if reference.numel() else 1.0
    return {"rtol": 8 * eps * steps, "atol": 8 * eps * steps * scale}


def observe_momentum_step(momentum_step, params: list[torch.Tensor], velocities: list[torch.Tensor],
                          lr: float, momentum: float) -> dict:
    """Call ``momentum_step`` and report, as plain data, what the call did besides the new values.

    ``error``: None, or what it raised (``types``: the exception's classes, ``detail``, ``message``:
    the readable failure); ``optimizers``: torch.optim classes created inside; ``returned``: the type
    name of what it returned (None for None); ``grad_enabled``: autograd on afterwards (it is switched
    back on here either way); ``replaced``: the lists (``"params"``, ``"velocities"``) whose elements
    were replaced; ``grads``: each parameter's .grad afterwards (a copy, or None); ``grad_replaced``:
    .grad is another tensor now. The grading probe sends this to the judge; :func:`expect_call`
    turns it into feedback.
    """
    original_params, original_velocities = list(params), list(velocities)
    grads = [p.grad for p in params]
    optimizers: list[str] = []
    error = result = None
    with record_optimizers(optimizers):
        try:
            result = call(momentum_step, params, velocities, lr, momentum, name="momentum_step")
        except CheckFailed as failure:
            cause = failure.__cause__
            error = {"types": [c.__name__ for c in type(cause).__mro__] if cause is not None else [],
                     "detail": str(cause) if cause is not None else "", "message": str(failure)}
        finally:
            grad_enabled = torch.is_grad_enabled()
            torch.set_grad_enabled(True)
    replaced = [which for which, given, originals in (("params", params, original_params),
                                                      ("velocities", velocities, original_velocities))
                if len(given) != len(originals) or any(a is not b for a, b in zip(given, originals))]
    return {
        "error": error, "optimizers": list(optimizers),
        "returned": None if result is None else type(result).__name__,
        "grad_enabled": grad_enabled, "replaced": replaced,
        "grads": [p.grad.detach().clone() if isinstance(p.grad, torch.Tensor) else None for p in original_params],
        "grad_replaced": [p.grad is not g for p, g in zip(original_params, grads)],
    }


def expect_call(observed: dict, grads: list[torch.Tensor]) -> None:
    """Fail on anything :func:`observe_momentum_step` saw besides changing the tensors' values in place.

    ``grads``: each parameter's gradient before the call, which it must have kept, bit for bit.
    """
    optimizers = [str(n) for n in observed["optimizers"]]
    error = observed["error"]
    if error is not None:
        if optimizers:
            raise CheckFailed(message("momentum_step_used_optimizer", names=", ".join(optimizers)))
        types, detail = [str(t) for t in error["types"]], str(error["detail"])
        if "RuntimeError" in types and "leaf Variable that requires grad" in detail:
            raise CheckFailed(message("momentum_step_no_grad", error=f"{types[0]}: {detail}"))
        raise CheckFailed(str(error["message"]))
    if optimizers:
        raise CheckFailed(message("momentum_step_used_optimizer", names=", ".join(optimizers)))
    if observed["returned"] is not None:
        raise CheckFailed(message("momentum_step_returned", kind=str(observed["returned"])))
    if observed["grad_enabled"] is not True:
        raise CheckFailed(message("momentum_step_grad_enabled"))
    replaced = list(observed["replaced"])
    for which in ("params", "velocities"):
        if which in replaced:
            raise CheckFailed(message("momentum_step_list_changed", which=which))
    reported, swapped = list(observed["grads"]), list(observed["grad_replaced"])
    for index, grad in enumerate(grads):
        now = reported[index] if index < len(reported) else None
        if swapped[index:index + 1] != [False] or not (_like(now, grad) and torch.equal(now, grad)):
            raise CheckFailed(message("momentum_step_grad_changed", index=index))


def _like(actual, expected: torch.Tensor) -> bool:
    """A plain tensor of the same shape, dtype and device (what the judge receives may be anything)."""
    return (type(actual) in (torch.Tensor, torch.nn.Parameter) and actual.shape == expected.shape
            and actual.dtype == expected.dtype and actual.device == expected.device)


def run_momentum_step(momentum_step, params: list[torch.Tensor], velocities: list[torch.Tensor],
                      lr: float, momentum: float) -> None:
    """Call ``momentum_step``; fail on anything but changing the given tensors' values in place.

    Checks the call itself (no optimizer, no crash, returns None, autograd left on, gradients and the
    lists' elements untouched). The new values are checked by :func:`expect_step`.
    """
    grads = [p.grad.clone() for p in params]
    expect_call(observe_momentum_step(momentum_step, params, velocities, lr, momentum), grads)


def _all_close(actual, expected, steps: int = 1) -> bool:
    return all(torch.allclose(a.detach(), e.detach(), **tolerance(e, steps)) for a, e in zip(actual, expected))


def _checked(actual, expected, key: str, steps: int) -> list[torch.Tensor]:
    """``actual`` detached, once each is a tensor like its ``expected`` (the judge's results may hold anything)."""
    actual = [t.detach() if type(t) in (torch.Tensor, torch.nn.Parameter) else t for t in actual]
    if len(actual) != len(expected):
        raise CheckFailed(message("momentum_step_count", what=key.rsplit("_", 1)[1], actual=len(actual),
                                  expected=len(expected)))
    for index, (a, e) in enumerate(zip(actual, expected)):
        if not _like(a, e):
            expect_tensor(a, e.detach(), message(key, index=index), **tolerance(e, steps))
    return actual


def expect_step(params, velocities, params_before, velocities_before, grads, lr: float, momentum: float,
                expected_params=None, expected_velocities=None, steps: int = 1) -> None:
    """The state after one step: ``expected_*`` (default: computed from the state before); names the usual mistakes.

    ``steps`` widens the tolerance when the expected values come from a separate run (torch.optim.SGD)
    that has been going for that many steps. A mistake is named only where it gives other values than
    the right update (with momentum 0, dampening and Nesterov change nothing).
    """
    right_v = [momentum * v + g for v, g in zip(velocities_before, grads)]
    right_p = [p - lr * v for p, v in zip(params_before, right_v)]
    if expected_velocities is None:
        expected_velocities = right_v
    if expected_params is None:
        expected_params = right_p
    velocities = _checked(velocities, expected_velocities, "momentum_step_velocity", steps)
    params = _checked(params, expected_params, "momentum_step_param", steps)

    def made(actual, variant, right) -> bool:
        return _all_close(actual, variant) and not _all_close(variant, right)

    if not _all_close(velocities, expected_velocities, steps):
        if made(velocities, velocities_before, right_v):
            raise CheckFailed(message("momentum_step_velocity_unchanged"))
        if made(velocities, [momentum * v + lr * g for v, g in zip(velocities_before, grads)], right_v):
            raise CheckFailed(message("momentum_step_velocity_lr"))
        if made(velocities, [momentum * v + (1 - momentum) * g for v, g in zip(velocities_before, grads)], right_v):
            raise CheckFailed(message("momentum_step_dampening"))
        for index, (v, e) in enumerate(zip(velocities, expected_velocities)):
            expect_tensor(v, e, message("momentum_step_velocity", index=index), **tolerance(e, steps))

    if not _all_close(params, expected_params, steps):
        if made(params, params_before, right_p):
            raise CheckFailed(message("momentum_step_param_unchanged"))
        if made(params, [p - lr * g for p, g in zip(params_before, grads)], right_p):
            raise CheckFailed(message("momentum_step_used_gradient"))
        if made(params, [p - lr * (g + momentum * v) for p, g, v in zip(params_before, grads, right_v)], right_p):
            raise CheckFailed(message("momentum_step_nesterov"))
        for index, (p, e) in enumerate(zip(params, expected_params)):
            expect_tensor(p, e, message("momentum_step_param", index=index), **tolerance(e, steps))


def bowl(p: torch.Tensor) -> torch.Tensor:
    """The lesson's elongated bowl f(x, y) = x²/20 + y², for a tensor p = (x, y)."""
    return p[0] ** 2 / 20 + p[1] ** 2


def check_momentum_step(momentum_step) -> None:
    """The checks a student runs: a worked step with numbers, then 50 steps side by side with torch.optim.SGD."""
    lr, mu = 0.2, 0.9  # lr ≠ 1 − mu, so that dampening is told apart
    w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
    b = torch.nn.Parameter(torch.tensor([0.5]))
    w.grad, b.grad = torch.tensor([0.5, -1.0]), torch.tensor([2.0])
    params, velocities = [w, b], [torch.tensor([1.0, -1.0]), torch.zeros(1)]
    params_before = [p.detach().clone() for p in params]
    velocities_before = [v.clone() for v in velocities]
    grads = [p.grad.clone() for p in params]
    run_momentum_step(momentum_step, params, velocities, lr, mu)
    print(message("momentum_step_example", lr=lr, mu=mu, p=_show(params_before[0]), v=_show(velocities_before[0]),
                  g=_show(grads[0]), v_new=_show(mu * velocities_before[0] + grads[0]),
                  p_new=_show(params_before[0] - lr * (mu * velocities_before[0] + grads[0]))))
    expect_step(params, velocities, params_before, velocities_before, grads, lr, mu)
    passed(message("momentum_step_example_ok"))

    # 50 steps on the lesson's bowl, side by side with torch.optim.SGD from the same start.
    steps, lr = 50, 0.3
    p = torch.tensor([-9.0, 1.5], requires_grad=True)
    twin = p.detach().clone().requires_grad_()
    velocity = torch.zeros(2)
    optimizer = torch.optim.SGD([twin], lr=lr, momentum=mu)
    largest = 0.0
    for step in range(1, steps + 1):
        for point in (p, twin):
            point.grad = None
            bowl(point).backward()
        params_before, velocities_before = [p.detach().clone()], [velocity.clone()]
        grads = [p.grad.clone()]
        run_momentum_step(momentum_step, [p], [velocity], lr, mu)
        optimizer.step()
        expect_step([p], [velocity], params_before, velocities_before, grads, lr, mu,
                    expected_params=[twin.detach()],
                    expected_velocities=[optimizer.state[twin]["momentum_buffer"]], steps=step)
        largest = max(largest, (p.detach() - twin.detach()).abs().max().item())
    passed(message("momentum_step_bowl_ok", steps=steps, lr=lr, mu=mu, diff=largest))
    print(message("all_passed"))


def _show(t: torch.Tensor) -> str:
    return "[" + ", ".join(f"{v:.4g}" for v in t.detach().tolist()) + "]"
