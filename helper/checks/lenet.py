"""Visible checks for the ``LeNet`` exercise (lesson 3): the convolutional network of PyTorch's blitz.

Layers are checked by name, type and shape; the output shape and the parameter count are checked;
and the output is compared with the same forward pass written out from the student's *own* layers.
When it is off, the check tries the usual mistakes (average pooling, a missing ReLU, softmax at
the end...) and names the one that fits.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..i18n import add_messages, message
from .core import CheckFailed, call, expect_tensor, expect_unchanged, passed
from .modules import describe_model, owned_by

CONVOLUTIONS = {"conv1": (1, 6, 5), "conv2": (6, 16, 5)}
"""name: (in_channels, out_channels, kernel_size), stride 1 and no padding."""
LINEARS = {"fc1": (400, 120), "fc2": (120, 84), "fc3": (84, 10)}
"""name: (in_features, out_features)."""
N_PARAMETERS = (sum(o * i * k * k + o for i, o, k in CONVOLUTIONS.values())
                + sum(i * o + o for i, o in LINEARS.values()))  # 61,706

add_messages({
    "lenet_not_module": {
        "en": "LeNet() should create an nn.Module, but it created a {kind}. "
              "Does the class start with `class LeNet(nn.Module):`?",
        "zh": "LeNet() 应该创建一个 nn.Module，但创建出来的是 {kind}。"
              "类的定义是不是以 `class LeNet(nn.Module):` 开头？",
    },
    "lenet_missing_layer": {
        "en": "LeNet has no layer named {name}. Name the layers exactly conv1, conv2, fc1, fc2, fc3; "
              "its layers are: {found}.",
        "zh": "LeNet 里没有名为 {name} 的层。请把各层准确命名为 conv1、conv2、fc1、fc2、fc3；"
              "它现有的层是：{found}。",
    },
    "lenet_wrong_type": {
        "en": "model.{name} should be an nn.{expected}, but it is a {kind}.",
        "zh": "model.{name} 应该是 nn.{expected}，但它是 {kind}。",
    },
    "lenet_wrong_setting": {
        "en": "model.{name} has {field} = {actual}, expected {expected}: it should be {layer}.",
        "zh": "model.{name} 的 {field} 是 {actual}，应为 {expected}：它应该是 {layer}。",
    },
    "lenet_fc1_hint": {
        "en": " After conv1 (32 → 28), pooling (28 → 14), conv2 (14 → 10) and pooling (10 → 5), an image "
              "has become 16 maps of 5 × 5, so fc1 takes 16 · 5 · 5 = 400 inputs.",
        "zh": "经过 conv1（32 → 28）、池化（28 → 14）、conv2（14 → 10）和池化（10 → 5）之后，一张图片变成了 "
              "16 张 5 × 5 的特征图，所以 fc1 的输入是 16 · 5 · 5 = 400 个数。",
    },
    "lenet_no_bias": {
        "en": "model.{name} has no bias: create it with {layer} (bias=True is the default).",
        "zh": "model.{name} 没有偏置：请用 {layer} 创建它（默认 bias=True）。",
    },
    "lenet_parameter_count": {
        "en": "LeNet has {count:,} parameters, expected {expected:,}. It holds parameters besides those of "
              "conv1, conv2, fc1, fc2, fc3: {names}.",
        "zh": "LeNet 有 {count:,} 个参数，应为 {expected:,}。除了 conv1、conv2、fc1、fc2、fc3 的参数之外，"
              "它还有：{names}。",
    },
    "lenet_flattened_batch": {
        "en": "forward flattened the whole batch of shape {shape} into a single row ({error}). Keep the batch "
              "dimension: torch.flatten(x, 1) or x.view(x.size(0), -1) gives one row of 400 numbers per image.",
        "zh": "forward 把形状为 {shape} 的整批数据展平成了一行（{error}）。请保留批量维度："
              "torch.flatten(x, 1) 或 x.view(x.size(0), -1) 会让每张图片各占一行，每行 400 个数。",
    },
    "lenet_batch_changed": {
        "en": "model(x) returned {rows} rows of logits for a batch of {n} images: the flatten step mixed up "
              "the batch. x.view(-1, 400) makes extra rows when the maps are not 16 × 5 × 5 (is a pooling "
              "missing?); torch.flatten(x, 1) keeps one row per image and lets fc1 complain instead.",
        "zh": "输入一批 {n} 张图片，model(x) 却返回了 {rows} 行 logits：展平这一步把批量维度弄乱了。"
              "当特征图不是 16 × 5 × 5 时（是不是少了一次池化？），x.view(-1, 400) 会多出几行；"
              "torch.flatten(x, 1) 则始终保持每张图片一行，出错时会由 fc1 直接报错。",
    },
    "lenet_output": {"en": "model(x) for x of shape {shape}", "zh": "输入形状为 {shape} 时的 model(x)"},
    "lenet_versus_reference": {
        "en": "model(x), compared with the LeNet forward pass computed from your own layers,",
        "zh": "model(x)（与用你自己的层算出的 LeNet 前向传播结果相比）",
    },
    "lenet_average_pooling": {
        "en": "model(x) matches LeNet with average pooling; this exercise asks for 2 × 2 max pooling "
              "(F.max_pool2d(x, 2) or nn.MaxPool2d(2)) after each convolution.",
        "zh": "model(x) 与使用平均池化的 LeNet 一致；本练习要求在每个卷积层之后做 2 × 2 的最大池化"
              "（F.max_pool2d(x, 2) 或 nn.MaxPool2d(2)）。",
    },
    "lenet_no_conv_relu": {
        "en": "model(x) matches LeNet without ReLU after the convolutions: apply F.relu to the output of "
              "conv1 and of conv2 (before or after pooling, it is the same).",
        "zh": "model(x) 与卷积层之后没有 ReLU 的 LeNet 一致：请对 conv1 和 conv2 的输出使用 F.relu"
              "（放在池化之前或之后，结果都一样）。",
    },
    "lenet_no_fc_relu": {
        "en": "model(x) matches LeNet without ReLU after fc1 and fc2: put F.relu after each of them.",
        "zh": "model(x) 与 fc1、fc2 之后没有 ReLU 的 LeNet 一致：请在这两层之后各加一个 F.relu。",
    },
    "lenet_no_relu": {
        "en": "model(x) matches LeNet without any ReLU: add one after conv1, conv2, fc1 and fc2.",
        "zh": "model(x) 与完全没有 ReLU 的 LeNet 一致：请在 conv1、conv2、fc1 和 fc2 之后各加一个 ReLU。",
    },
    "lenet_relu_on_output": {
        "en": "model(x) has no negative values: forward applies ReLU after fc3 too. fc3 gives logits, "
              "which must be free to be negative.",
        "zh": "model(x) 中没有负数：forward 在 fc3 之后也用了 ReLU。fc3 输出的是 logits，必须可以取负值。",
    },
    "lenet_softmax": {
        "en": "model(x) is the softmax of the logits (rows sum to 1): forward must return fc3's raw logits.",
        "zh": "model(x) 是 logits 经过 softmax 的结果（每行的和为 1）：forward 应该直接返回 fc3 输出的 logits。",
    },
    "lenet_log_softmax": {
        "en": "model(x) is the log_softmax of the logits: forward must return fc3's raw logits.",
        "zh": "model(x) 是 logits 的 log_softmax：forward 应该直接返回 fc3 输出的 logits。",
    },
    "lenet_layers_ok": {
        "en": "conv1, conv2, fc1, fc2, fc3 have the right types and shapes",
        "zh": "conv1、conv2、fc1、fc2、fc3 的类型和形状都正确",
    },
    "lenet_shape_ok": {
        "en": "a batch of shape (4, 1, 32, 32) gives logits of shape (4, 10)",
        "zh": "形状为 (4, 1, 32, 32) 的一批数据得到形状为 (4, 10) 的 logits",
    },
    "lenet_count_ok": {"en": "61,706 parameters", "zh": "共 61,706 个参数"},
    "lenet_forward_ok": {
        "en": "forward: ReLU and 2 × 2 max pooling after each convolution, ReLU after fc1 and fc2, logits out",
        "zh": "forward：每个卷积层之后有 ReLU 和 2 × 2 最大池化，fc1、fc2 之后有 ReLU，输出 logits",
    },
})


def _layer_text(name: str) -> str:
    if name in CONVOLUTIONS:
        return "nn.Conv2d({}, {}, {})".format(*CONVOLUTIONS[name])
    return "nn.Linear({}, {})".format(*LINEARS[name])


def _expected_settings(name: str) -> tuple[type, dict]:
    if name in CONVOLUTIONS:
        n_in, n_out, k = CONVOLUTIONS[name]
        return nn.Conv2d, {"in_channels": n_in, "out_channels": n_out, "kernel_size": (k, k),
                           "stride": (1, 1), "padding": (0, 0), "dilation": (1, 1), "groups": 1}
    n_in, n_out = LINEARS[name]
    return nn.Linear, {"in_features": n_in, "out_features": n_out}


def build(LeNet) -> nn.Module:
    """``LeNet()``, checked to be an nn.Module whose five layers have the right types and shapes."""
    model = call(LeNet, name="LeNet")
    expect_layers(describe_model(model, (*CONVOLUTIONS, *LINEARS)))
    return model


def expect_layers(description: dict) -> None:
    """Fail unless a model's description (:func:`helper.checks.modules.describe_model`) has the five layers right."""
    if description["module"] is not True:
        raise CheckFailed(message("lenet_not_module", kind=description["kind"]))
    found = ", ".join(str(name) for name in description["children"]) or "-"
    for name in (*CONVOLUTIONS, *LINEARS):
        layer = description["layers"].get(name)
        kind, settings = _expected_settings(name)
        if layer is None:
            raise CheckFailed(message("lenet_missing_layer", name=name, found=found))
        if layer["types"][0] != f"{kind.__module__}.{kind.__qualname__}":
            raise CheckFailed(message("lenet_wrong_type", name=name, expected=kind.__name__, kind=layer["type"]))
        for field, expected in settings.items():
            actual = layer["settings"].get(field)
            if actual != expected:
                text = message("lenet_wrong_setting", name=name, field=field, actual=actual,
                               expected=expected, layer=_layer_text(name))
                if name == "fc1" and field == "in_features":
                    text += message("lenet_fc1_hint")
                raise CheckFailed(text)
        if layer["bias"] is not True:
            raise CheckFailed(message("lenet_no_bias", name=name, layer=_layer_text(name)))


def expect_parameter_count(model: nn.Module) -> None:
    """Fail unless the parameters are exactly the weights and biases of the five layers (61,706 numbers)."""
    expect_parameter_count_in(describe_model(model, (*CONVOLUTIONS, *LINEARS)))


def expect_parameter_count_in(description: dict) -> None:
    """:func:`expect_parameter_count` on a model's description."""
    extra, count = owned_by(description, (*CONVOLUTIONS, *LINEARS))
    if extra or count != N_PARAMETERS:
        raise CheckFailed(message("lenet_parameter_count", count=count, expected=N_PARAMETERS,
                                  names=", ".join(extra) or "-"))


def forward(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``model(x)``, failing if it writes into ``x``; a batch flattened into one row is named as such."""
    original, version = x.clone(), x._version
    try:
        result = call(model, x, name="LeNet.forward")
    except CheckFailed as failure:
        cause = failure.__cause__
        hint = crash_hint(x, f"{type(cause).__name__}: {cause}" if cause is not None else "")
        if hint:
            raise CheckFailed(hint) from None
        raise
    expect_unchanged(x, version, original, name="LeNet.forward")
    expect_batch_kept(result, x)
    return result


def crash_hint(x: torch.Tensor, cause: str) -> str | None:
    """The message for a forward pass that crashed on ``x`` with ``cause``, when the batch was flattened away."""
    if len(x) > 1 and f"(1x{len(x) * 400} and 400x120)" in cause:
        return message("lenet_flattened_batch", shape=tuple(x.shape), error=cause)
    return None


def expect_batch_kept(result, x: torch.Tensor) -> None:
    """Fail if ``result`` has a multiple of the batch's rows: the flatten step mixed images up."""
    if (type(result) is torch.Tensor and result.dim() == 2 and result.shape[0] != len(x)
            and result.shape[0] % len(x) == 0):
        raise CheckFailed(message("lenet_batch_changed", rows=result.shape[0], n=len(x)))


def expect_forward(observed, x: torch.Tensor):
    """What :func:`forward` checks, on what :func:`helper.checks.modules.observe_forward` saw; the result."""
    if type(observed) is not dict:
        raise CheckFailed(message("model_no_forward", name="LeNet.forward"))
    if "crashed" in observed:
        raise CheckFailed(crash_hint(x, str(observed.get("cause", ""))) or str(observed["crashed"]))
    if observed.get("input_changed") is not False:
        raise CheckFailed(message("input_modified", name="LeNet.forward"))
    result = observed.get("result")
    expect_batch_kept(result, x)
    return result


def reference_logits(model: nn.Module, x: torch.Tensor, pool="max", conv_relu=True, fc_relu=True,
                     output=None) -> torch.Tensor:
    """LeNet's forward pass from the model's own layers; the keywords pick a variant (a known mistake)."""
    pooling = F.max_pool2d if pool == "max" else F.avg_pool2d
    conv_act = F.relu if conv_relu else (lambda t: t)
    fc_act = F.relu if fc_relu else (lambda t: t)
    with torch.no_grad():
        x = pooling(conv_act(F.conv2d(x, model.conv1.weight, model.conv1.bias)), 2)
        x = pooling(conv_act(F.conv2d(x, model.conv2.weight, model.conv2.bias)), 2)
        x = x.reshape(x.shape[0], -1)
        x = fc_act(F.linear(x, model.fc1.weight, model.fc1.bias))
        x = fc_act(F.linear(x, model.fc2.weight, model.fc2.bias))
        logits = F.linear(x, model.fc3.weight, model.fc3.bias)
        if output == "relu":
            return F.relu(logits)
        if output == "softmax":
            return torch.softmax(logits, dim=1)
        if output == "log_softmax":
            return torch.log_softmax(logits, dim=1)
        return logits


MISTAKES = [  # (variant of the forward pass, message key)
    ({"pool": "avg"}, "lenet_average_pooling"),
    ({"conv_relu": False, "fc_relu": False}, "lenet_no_relu"),
    ({"conv_relu": False}, "lenet_no_conv_relu"),
    ({"fc_relu": False}, "lenet_no_fc_relu"),
    ({"output": "relu"}, "lenet_relu_on_output"),
    ({"output": "softmax"}, "lenet_softmax"),
    ({"output": "log_softmax"}, "lenet_log_softmax"),
]


def tolerance(dtype: torch.dtype) -> dict[str, float]:
    return {"atol": 1e-5, "rtol": 1e-4} if dtype != torch.float64 else {"atol": 1e-10, "rtol": 1e-8}


def expect_logits(actual, model: nn.Module, x: torch.Tensor, what: str) -> None:
    """Compare ``actual`` with LeNet built from the model's own layers; name a known mistake when one fits."""
    expected = reference_logits(model, x)
    comparable = (type(actual) is torch.Tensor and actual.shape == expected.shape
                  and actual.dtype == expected.dtype and actual.device == expected.device)
    if comparable and not _close(actual, expected):
        for variant, key in MISTAKES:
            if _close(actual, reference_logits(model, x, **variant)):
                raise CheckFailed(message(key))
    expect_tensor(actual, expected, what, **tolerance(expected.dtype))


def check_lenet(LeNet) -> None:
    """The checks a student runs: layers by name, output shape, parameter count, the forward pass."""
    model = build(LeNet)
    passed(message("lenet_layers_ok"))

    x = torch.randn(4, 1, 32, 32, generator=torch.Generator().manual_seed(0))
    expected = reference_logits(model, x)
    logits = forward(model, x)
    expect_tensor(logits, expected, message("lenet_output", shape=(4, 1, 32, 32)), atol=float("inf"))
    passed(message("lenet_shape_ok"))

    expect_parameter_count(model)
    passed(message("lenet_count_ok"))

    expect_logits(logits, model, x, message("lenet_versus_reference"))
    passed(message("lenet_forward_ok"))
    print(message("all_passed"))


def _close(a: torch.Tensor, b: torch.Tensor) -> bool:
    a, b = a.detach(), b.detach()
    return a.shape == b.shape and bool(torch.allclose(a, b, **tolerance(b.dtype)))
