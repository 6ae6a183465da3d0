"""Judge ``Network``: layers fc1, fc2, fc3 by name and shape, nothing else holding parameters, then the logits.

The logits are compared with the reference's for the case's weights; when they are off but match a
known mistake (sigmoid, softmax at the end, a missing ReLU...), the message names the mistake.
A crash on images that runs on flat input says "flatten"; a batch merged into one row says so.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.judging_models import (children, close, expect_input_untouched, expect_loaded, expect_logits,
                                       expect_module, fail_crash, forward_observation, logits_tolerance,
                                       parameters_besides)
from autograder.verdict import fail
from helper.i18n import message

from .cases import LAYERS

N_PARAMETERS = sum(n_in * n_out + n_out for n_in, n_out in LAYERS.values())  # 109,386
LINEAR = "torch.nn.modules.linear.Linear"

MISTAKES = {  # key of the reference's mistakes: (message id, fields)
    "sigmoid": ("network.sigmoid", {}),
    "softmax": ("network.softmax", {}),
    "log_softmax": ("network.log_softmax", {}),
    "relu_on_output": ("network.relu_on_output", {}),
    "no_activation": ("network.no_activation", {}),
    "no_relu_after_fc2": ("network.one_relu_missing", {"present": "fc1", "missing": "fc2"}),
    "no_relu_after_fc1": ("network.one_relu_missing", {"present": "fc2", "missing": "fc1"}),
}


def judge(case: Case, observed: dict, expected: dict) -> None:
    expect_module(observed, "network")
    expect_layers(observed)
    expect_only_the_three_layers(observed)
    observations = expect_loaded(observed, case.inputs["weights"])
    results = []
    for index, (x, want) in enumerate(zip(case.inputs["batches"], expected["batches"])):
        seen = forward_observation(observations, index, "Network.forward")
        if "crashed" in seen:
            explain_crash(x, seen)
        expect_input_untouched(seen, "Network.forward")
        result = seen.get("result")
        twin = case.inputs["same_as"][index]
        if twin >= 0 and type(result) is torch.Tensor and type(results[twin]) is torch.Tensor \
                and result.shape == results[twin].shape \
                and not close(result, results[twin], logits_tolerance(results[twin].dtype)):
            fail("network.flat_differs")
        expect_logits(result, want, message("network.output", shape=tuple(x.shape)), MISTAKES)
        results.append(result)


def expect_layers(description: dict) -> None:
    """fc1, fc2, fc3: present, nn.Linear, the right in/out features, with a bias."""
    layers = description.get("layers") if isinstance(description.get("layers"), dict) else {}
    for name, (n_in, n_out) in LAYERS.items():
        layer = layers.get(name)
        if not isinstance(layer, dict):
            fail("network.missing_layer", name=name, found=children(description))
        if LINEAR not in layer.get("types", []):
            fail("network.not_linear", name=name, kind=str(layer.get("type")))
        settings = layer.get("settings") if isinstance(layer.get("settings"), dict) else {}
        for field, want in (("in_features", n_in), ("out_features", n_out)):
            if settings.get(field) != want:
                fail("network.wrong_features", name=name, field=field, actual=settings.get(field), expected=want,
                     n_in=n_in, n_out=n_out)
        if layer.get("bias") is not True:
            fail("network.no_bias", name=name, n_in=n_in, n_out=n_out)


def expect_only_the_three_layers(description: dict) -> None:
    """No parameters besides the weights and biases of fc1, fc2 and fc3."""
    extra, count = parameters_besides(description, LAYERS)
    if extra:
        fail("network.extra_parameters", names=", ".join(extra))
    if count != N_PARAMETERS:  # unreachable with the right layers and no others; kept for a clear message
        fail("network.parameter_count", count=count, expected=N_PARAMETERS)


def explain_crash(x: torch.Tensor, seen: dict) -> None:
    """A crash of ``model(x)``: named when it is a flattening mistake, else told as it happened."""
    cause = str(seen.get("cause", ""))
    if len(x) > 1 and f"1x{x.numel()}" in cause:
        fail("network.flattened_batch", shape=tuple(x.shape), numel=x.numel(), error=cause)
    if x.dim() == 4 and seen.get("works_flat") is True:
        fail("network.needs_flatten", images=tuple(x.shape), flat=(x.shape[0], 784), error=cause)
    fail_crash(seen)
