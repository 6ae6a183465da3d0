"""Judge ``LeNet``: the five layers by name, type and shape, 61,706 parameters, then the logits.

The logits are compared with the reference's for the case's weights; when they are off but match a
known mistake (average pooling, a missing ReLU, softmax at the end...), the message names it.
A batch flattened into one row, or a flatten step that makes extra rows, is named as such.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.judging_models import (children, expect_input_untouched, expect_loaded, expect_logits,
                                       expect_module, fail_crash, forward_observation, parameters_besides)
from autograder.verdict import fail
from helper.i18n import message

from .cases import CONVOLUTIONS, LAYERS, LINEARS

N_PARAMETERS = (sum(o * i * k * k + o for i, o, k in CONVOLUTIONS.values())
                + sum(i * o + o for i, o in LINEARS.values()))  # 61,706

MISTAKES = {  # key of the reference's mistakes: (message id, fields), tried in this order
    "average_pooling": ("lenet.average_pooling", {}),
    "no_relu": ("lenet.no_relu", {}),
    "no_conv_relu": ("lenet.no_conv_relu", {}),
    "no_fc_relu": ("lenet.no_fc_relu", {}),
    "relu_on_output": ("lenet.relu_on_output", {}),
    "softmax": ("lenet.softmax", {}),
    "log_softmax": ("lenet.log_softmax", {}),
}


def judge(case: Case, observed: dict, expected: dict) -> None:
    expect_module(observed, "lenet")
    expect_layers(observed)
    expect_parameter_count(observed)
    observations = expect_loaded(observed, case.inputs["weights"])
    for index, (x, want) in enumerate(zip(case.inputs["batches"], expected["batches"])):
        seen = forward_observation(observations, index, "LeNet.forward")
        if "crashed" in seen:
            cause = str(seen.get("cause", ""))
            if len(x) > 1 and f"(1x{len(x) * 400} and 400x120)" in cause:
                fail("lenet.flattened_batch", shape=tuple(x.shape), error=cause)
            fail_crash(seen)
        expect_input_untouched(seen, "LeNet.forward")
        result = seen.get("result")
        if (type(result) is torch.Tensor and result.dim() == 2 and result.shape[0] != len(x)
                and result.shape[0] % len(x) == 0):
            fail("lenet.batch_changed", rows=result.shape[0], n=len(x))
        expect_logits(result, want, message("lenet.output", shape=tuple(x.shape)), MISTAKES)


def layer_text(name: str) -> str:
    if name in CONVOLUTIONS:
        return "nn.Conv2d({}, {}, {})".format(*CONVOLUTIONS[name])
    return "nn.Linear({}, {})".format(*LINEARS[name])


def expected_settings(name: str) -> tuple[str, str, dict]:
    """The layer's class (short and full name) and the settings it must have."""
    if name in CONVOLUTIONS:
        n_in, n_out, k = CONVOLUTIONS[name]
        return "Conv2d", "torch.nn.modules.conv.Conv2d", {
            "in_channels": n_in, "out_channels": n_out, "kernel_size": (k, k), "stride": (1, 1),
            "padding": (0, 0), "dilation": (1, 1), "groups": 1}
    n_in, n_out = LINEARS[name]
    return "Linear", "torch.nn.modules.linear.Linear", {"in_features": n_in, "out_features": n_out}


def expect_layers(description: dict) -> None:
    """conv1, conv2, fc1, fc2, fc3: present, of exactly the right class, with the right settings and a bias."""
    layers = description.get("layers") if isinstance(description.get("layers"), dict) else {}
    for name in LAYERS:
        layer = layers.get(name)
        short, full, settings = expected_settings(name)
        if not isinstance(layer, dict):
            fail("lenet.missing_layer", name=name, found=children(description))
        types = layer.get("types") if isinstance(layer.get("types"), list) else []
        if not types or types[0] != full:
            fail("lenet.wrong_type", name=name, expected=short, kind=str(layer.get("type")))
        actual_settings = layer.get("settings") if isinstance(layer.get("settings"), dict) else {}
        for field, want in settings.items():
            actual = actual_settings.get(field)
            if actual != want:
                key = "lenet.fc1_size" if name == "fc1" and field == "in_features" else "lenet.wrong_setting"
                fail(key, name=name, field=field, actual=actual, expected=want, layer=layer_text(name))
        if layer.get("bias") is not True:
            fail("lenet.no_bias", name=name, layer=layer_text(name))


def expect_parameter_count(description: dict) -> None:
    """The parameters are exactly the weights and biases of the five layers (61,706 numbers)."""
    extra, count = parameters_besides(description, LAYERS)
    if extra or count != N_PARAMETERS:
        fail("lenet.parameter_count", count=count, expected=N_PARAMETERS, names=", ".join(extra) or "-")
