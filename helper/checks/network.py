"""Visible checks for the ``Network`` exercise (lesson 2): a 784-128-64-10 network with ReLU.

The student's class is built, its layers are checked by name and shape, and its output is compared
with the same computation written out from the student's *own* weights, so no random numbers need
to match. When the output is off, the check tries the usual mistakes (sigmoid instead of ReLU,
softmax in ``forward``, ReLU after the last layer...) and names the one that fits.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import add_messages, message
from .core import CheckFailed, call, expect_tensor, expect_unchanged, passed
from .modules import crash_cause, describe_model, owned_by, works_flat

LAYERS = {"fc1": (784, 128), "fc2": (128, 64), "fc3": (64, 10)}
"""Each layer's name and (in_features, out_features)."""

N_PARAMETERS = sum(i * o + o for i, o in LAYERS.values())  # 109,386

add_messages({
    "network_not_module": {
        "en": "Network() should create an nn.Module, but it created a {kind}. "
              "Does the class start with `class Network(nn.Module):`?",
        "zh": "Network() 应该创建一个 nn.Module，但创建出来的是 {kind}。"
              "类的定义是不是以 `class Network(nn.Module):` 开头？",
    },
    "network_missing_layer": {
        "en": "Network has no layer named {name}. Name the layers exactly fc1, fc2 and fc3 "
              "(the checks and the rest of the lesson use these names); its layers are: {found}.",
        "zh": "Network 里没有名为 {name} 的层。请把三个层准确命名为 fc1、fc2 和 fc3"
              "（检查和本课后面的代码都用这些名字）；它现有的层是：{found}。",
    },
    "network_not_linear": {
        "en": "model.{name} should be an nn.Linear, but it is a {kind}.",
        "zh": "model.{name} 应该是 nn.Linear，但它是 {kind}。",
    },
    "network_wrong_features": {
        "en": "model.{name} has {field} = {actual}, expected {expected}: it should be nn.Linear({n_in}, {n_out}). "
              "(The network is 784 → 128 → 64 → 10, and each layer's in_features is the previous "
              "layer's out_features.)",
        "zh": "model.{name} 的 {field} 是 {actual}，应为 {expected}：它应该是 nn.Linear({n_in}, {n_out})。"
              "（网络结构是 784 → 128 → 64 → 10，每一层的 in_features 等于上一层的 out_features。）",
    },
    "network_no_bias": {
        "en": "model.{name} has no bias: create it with nn.Linear({n_in}, {n_out}) (bias=True is the default).",
        "zh": "model.{name} 没有偏置：请用 nn.Linear({n_in}, {n_out}) 创建它（默认 bias=True）。",
    },
    "network_needs_flatten": {
        "en": "model(x) works for a flat batch of shape {flat} but fails for images of shape {images} ({error}). "
              "Flatten the input at the start of forward, keeping the batch dimension: "
              "x.flatten(start_dim=1) turns (N, 1, 28, 28) into (N, 784) and leaves (N, 784) as it is.",
        "zh": "model(x) 能处理形状为 {flat} 的展平输入，却在形状为 {images} 的图片上出错（{error}）。"
              "请在 forward 开头把输入展平，并保留批量维度：x.flatten(start_dim=1) 会把 (N, 1, 28, 28) "
              "变成 (N, 784)，而 (N, 784) 保持不变。",
    },
    "network_flattened_batch": {
        "en": "forward flattened the whole batch of shape {shape} into a single row of {numel} numbers ({error}). "
              "Keep the batch dimension: x.flatten(start_dim=1) gives one row of 784 pixels per image.",
        "zh": "forward 把形状为 {shape} 的整批数据展平成了一行，共 {numel} 个数（{error}）。"
              "请保留批量维度：x.flatten(start_dim=1) 会让每张图片各占一行，每行 784 个像素。",
    },
    "network_flat_differs": {
        "en": "model(x) gives different logits for the same images given as (N, 1, 28, 28) and as (N, 784): "
              "flatten with x.flatten(start_dim=1) so both shapes mean the same thing.",
        "zh": "同一批图片以 (N, 1, 28, 28) 和 (N, 784) 两种形状输入时，model(x) 给出的 logits 不同："
              "请用 x.flatten(start_dim=1) 展平，让两种形状表示同一组数据。",
    },
    "network_output": {"en": "model(x) for x of shape {shape}", "zh": "输入形状为 {shape} 时的 model(x)"},
    "network_versus_reference": {
        "en": "model(x), compared with fc3(relu(fc2(relu(fc1(x))))) computed from your own layers,",
        "zh": "model(x)（与用你自己的层算出的 fc3(relu(fc2(relu(fc1(x))))) 相比）",
    },
    "network_sigmoid": {
        "en": "model(x) matches a network with sigmoid between the layers; this exercise asks for ReLU "
              "(F.relu or nn.ReLU) after fc1 and after fc2.",
        "zh": "model(x) 与层间使用 sigmoid 的网络一致；本练习要求在 fc1 和 fc2 之后使用 ReLU（F.relu 或 nn.ReLU）。",
    },
    "network_softmax": {
        "en": "model(x) is the softmax of the logits (every row sums to 1). forward must return the raw "
              "logits of fc3; apply F.softmax outside the model, when you want probabilities.",
        "zh": "model(x) 是 logits 经过 softmax 的结果（每一行的和都是 1）。forward 应该直接返回 fc3 输出的 "
              "logits；需要概率时，再在模型外面用 F.softmax。",
    },
    "network_log_softmax": {
        "en": "model(x) is the log_softmax of the logits. forward must return the raw logits of fc3, "
              "with no softmax or log_softmax at the end.",
        "zh": "model(x) 是 logits 的 log_softmax。forward 应该直接返回 fc3 输出的 logits，"
              "最后不要再接 softmax 或 log_softmax。",
    },
    "network_relu_on_output": {
        "en": "model(x) has no negative values: forward applies ReLU after fc3 too. The last layer gives "
              "logits, which must be free to be negative; use ReLU only after fc1 and fc2.",
        "zh": "model(x) 中没有负数：forward 在 fc3 之后也用了 ReLU。最后一层输出的是 logits，必须可以取负值；"
              "ReLU 只应放在 fc1 和 fc2 之后。",
    },
    "network_no_activation": {
        "en": "model(x) matches fc3(fc2(fc1(x))) with no activation at all: put a ReLU after fc1 and after "
              "fc2 (without them, the three layers collapse into one linear map).",
        "zh": "model(x) 与完全没有激活函数的 fc3(fc2(fc1(x))) 一致：请在 fc1 和 fc2 之后各加一个 ReLU"
              "（没有激活函数，三层线性变换会退化成一个线性变换）。",
    },
    "network_one_relu_missing": {
        "en": "model(x) has a ReLU after {present} but not after {missing}: the network needs one after "
              "fc1 and one after fc2.",
        "zh": "model(x) 在 {present} 之后有 ReLU，在 {missing} 之后却没有：fc1 和 fc2 之后都需要 ReLU。",
    },
    "network_layers_ok": {
        "en": "layers fc1, fc2, fc3 are nn.Linear(784, 128), nn.Linear(128, 64), nn.Linear(64, 10)",
        "zh": "fc1、fc2、fc3 分别是 nn.Linear(784, 128)、nn.Linear(128, 64)、nn.Linear(64, 10)",
    },
    "network_shape_ok": {
        "en": "images of shape (5, 1, 28, 28) give logits of shape (5, 10)",
        "zh": "形状为 (5, 1, 28, 28) 的图片得到形状为 (5, 10) 的 logits",
    },
    "network_flat_ok": {
        "en": "a flat batch of shape (5, 784) gives the same logits",
        "zh": "形状为 (5, 784) 的展平输入得到相同的 logits",
    },
    "network_relu_ok": {
        "en": "ReLU after fc1 and fc2 (negative pre-activations become 0)",
        "zh": "fc1 和 fc2 之后有 ReLU（负的输入被置为 0）",
    },
    "network_logits_ok": {
        "en": "forward returns logits: some are negative and rows do not sum to 1 (no softmax)",
        "zh": "forward 返回的是 logits：有负值，每行的和也不是 1（没有 softmax）",
    },
    "network_parameter_count": {
        "en": "Network has {count:,} parameters, expected {expected:,} (784·128 + 128 + 128·64 + 64 + 64·10 + 10). "
              "Does it hold layers or parameters besides fc1, fc2 and fc3?",
        "zh": "Network 有 {count:,} 个参数，应为 {expected:,}（784·128 + 128 + 128·64 + 64 + 64·10 + 10）。"
              "它是不是除了 fc1、fc2、fc3 之外还有别的层或参数？",
    },
    "network_extra_parameters": {
        "en": "Network has parameters besides those of fc1, fc2 and fc3: {names}. Remove what forward does not need.",
        "zh": "Network 除了 fc1、fc2、fc3 的参数之外还有别的参数：{names}。请删掉 forward 用不到的部分。",
    },
})


def build(Network) -> nn.Module:
    """``Network()``, checked to be an nn.Module whose layers fc1, fc2, fc3 have the right shapes."""
    model = call(Network, name="Network")
    expect_layers(describe_model(model, LAYERS))
    return model


def expect_layers(description: dict) -> None:
    """Fail unless a model's description (:func:`helper.checks.modules.describe_model`) has fc1, fc2, fc3 right."""
    if description["module"] is not True:
        raise CheckFailed(message("network_not_module", kind=description["kind"]))
    found = ", ".join(str(name) for name in description["children"]) or "-"
    for name, (n_in, n_out) in LAYERS.items():
        layer = description["layers"].get(name)
        if layer is None:
            raise CheckFailed(message("network_missing_layer", name=name, found=found))
        if "torch.nn.modules.linear.Linear" not in layer["types"]:
            raise CheckFailed(message("network_not_linear", name=name, kind=layer["type"]))
        for field, expected in (("in_features", n_in), ("out_features", n_out)):
            actual = layer["settings"].get(field)
            if actual != expected:
                raise CheckFailed(message("network_wrong_features", name=name, field=field, actual=actual,
                                          expected=expected, n_in=n_in, n_out=n_out))
        if layer["bias"] is not True:
            raise CheckFailed(message("network_no_bias", name=name, n_in=n_in, n_out=n_out))


def expect_only_the_three_layers(model: nn.Module) -> None:
    """Fail if the model has parameters other than the weights and biases of fc1, fc2 and fc3."""
    expect_only_the_three_layers_in(describe_model(model, LAYERS))


def expect_only_the_three_layers_in(description: dict) -> None:
    """:func:`expect_only_the_three_layers` on a model's description."""
    extra, count = owned_by(description, LAYERS)
    if extra:
        raise CheckFailed(message("network_extra_parameters", names=", ".join(extra)))
    if count != N_PARAMETERS:  # unreachable with the right layers; kept for a clear message
        raise CheckFailed(message("network_parameter_count", count=count, expected=N_PARAMETERS))


def forward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``model(x)``, failing if it writes into ``x``; a crash on images that works on flat input says "flatten"."""
    original, version = x.clone(), x._version
    try:
        result = call(model, x, name="Network.forward")
    except CheckFailed as failure:
        hint = crash_hint(x, crash_cause(failure), lambda: works_flat(model, x))
        if hint:
            raise CheckFailed(hint) from None
        raise
    expect_unchanged(x, version, original, name="Network.forward")
    return result


def crash_hint(x: torch.Tensor, cause: str, runs_flat) -> str | None:
    """The message for a forward pass that crashed on ``x`` with ``cause``, when it is a flattening mistake.

    ``runs_flat()`` says whether the same model runs on ``x`` flattened to (N, 784).
    """
    if len(x) > 1 and f"1x{x.numel()}" in cause:
        return message("network_flattened_batch", shape=tuple(x.shape), numel=x.numel(), error=cause)
    if x.dim() == 4 and runs_flat():
        return message("network_needs_flatten", images=tuple(x.shape), flat=(x.shape[0], 784), error=cause)
    return None


def expect_forward(observed, x: torch.Tensor):
    """What :func:`forward` checks, on what :func:`helper.checks.modules.observe_forward` saw; the result."""
    if type(observed) is not dict:
        raise CheckFailed(message("model_no_forward", name="Network.forward"))
    if "crashed" in observed:
        cause = str(observed.get("cause", ""))
        raise CheckFailed(crash_hint(x, cause, lambda: observed.get("works_flat") is True)
                          or str(observed["crashed"]))
    if observed.get("input_changed") is not False:
        raise CheckFailed(message("input_modified", name="Network.forward"))
    return observed.get("result")


def reference_logits(model: nn.Module, x: torch.Tensor, hidden="relu", output=None) -> torch.Tensor:
    """fc3(act(fc2(act(fc1(x))))) from the model's own layers; ``hidden``/``output`` pick the variant."""
    activations = {"relu": F.relu, "sigmoid": torch.sigmoid, None: lambda t: t}
    first, second = (hidden, hidden) if isinstance(hidden, str) or hidden is None else hidden
    with torch.no_grad():
        h = activations[first](F.linear(x.flatten(start_dim=1), model.fc1.weight, model.fc1.bias))
        h = activations[second](F.linear(h, model.fc2.weight, model.fc2.bias))
        logits = F.linear(h, model.fc3.weight, model.fc3.bias)
        if output == "relu":
            return F.relu(logits)
        if output == "softmax":
            return torch.softmax(logits, dim=1)
        if output == "log_softmax":
            return torch.log_softmax(logits, dim=1)
        return logits


MISTAKES = [  # (variant of the forward pass, message key, message fields)
    ({"hidden": "sigmoid"}, "network_sigmoid", {}),
    ({"output": "softmax"}, "network_softmax", {}),
    ({"output": "log_softmax"}, "network_log_softmax", {}),
    ({"output": "relu"}, "network_relu_on_output", {}),
    ({"hidden": None}, "network_no_activation", {}),
    ({"hidden": ("relu", None)}, "network_one_relu_missing", {"present": "fc1", "missing": "fc2"}),
    ({"hidden": (None, "relu")}, "network_one_relu_missing", {"present": "fc2", "missing": "fc1"}),
]


def tolerance(dtype: torch.dtype) -> dict[str, float]:
    return {"atol": 1e-5, "rtol": 1e-4} if dtype != torch.float64 else {"atol": 1e-10, "rtol": 1e-8}


def expect_logits(actual, model: nn.Module, x: torch.Tensor, what: str) -> None:
    """Compare ``actual`` with the ReLU network built from the model's own layers; name a known mistake."""
    expected = reference_logits(model, x)
    shaped = type(actual) is torch.Tensor and actual.shape == expected.shape and actual.dtype == expected.dtype
    if shaped and actual.device == expected.device and not _close(actual, expected):
        for variant, key, fields in MISTAKES:
            if _close(actual, reference_logits(model, x, **variant)):
                raise CheckFailed(message(key, **fields))
    expect_tensor(actual, expected, what, **tolerance(expected.dtype))


def digit_like_batch(n: int, generator: torch.Generator, dtype=torch.float32) -> torch.Tensor:
    """(n, 1, 28, 28) values in [0, 1], mostly 0 like the background of an MNIST digit."""
    noise = torch.rand(n, 1, 28, 28, generator=generator, dtype=dtype)
    return ((noise - 0.6) * 2.5).clamp(min=0.0, max=1.0)


def check_network(Network) -> None:
    """The checks a student runs: layer names and shapes, output shape, flat input, ReLU, logits."""
    model = build(Network)
    passed(message("network_layers_ok"))

    images = digit_like_batch(5, torch.Generator().manual_seed(0))
    expected = reference_logits(model, images)
    logits = forward(model, images)
    expect_form(logits, expected, message("network_output", shape=(5, 1, 28, 28)))
    passed(message("network_shape_ok"))

    flat = forward(model, images.flatten(start_dim=1))
    expect_form(flat, expected, message("network_output", shape=(5, 784)))
    if not _close(flat, logits):
        raise CheckFailed(message("network_flat_differs"))
    passed(message("network_flat_ok"))

    expect_logits(logits, model, images, message("network_versus_reference"))
    passed(message("network_relu_ok"))
    passed(message("network_logits_ok"))
    print(message("all_passed"))


def expect_form(actual, expected: torch.Tensor, what: str) -> None:
    """Type, shape, dtype, device and finiteness of ``actual`` as ``expected``'s; values are compared later."""
    expect_tensor(actual, expected, what, atol=float("inf"))


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    a, b = a.detach(), b.detach()
    return a.shape == b.shape and bool(torch.allclose(a, b, **tolerance(b.dtype)))

