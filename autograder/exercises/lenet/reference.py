"""The reference (grader only): LeNet's forward pass, and the known mistakes, from the case's weights."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from autograder.judging_models import logits_per_batch

VARIANTS = {  # key: keywords of forward()
    "right": {},
    "average_pooling": {"pool": F.avg_pool2d},
    "no_relu": {"conv_relu": False, "fc_relu": False},
    "no_conv_relu": {"conv_relu": False},
    "no_fc_relu": {"fc_relu": False},
    "relu_on_output": {"output": F.relu},
    "softmax": {"output": lambda t: torch.softmax(t, dim=1)},
    "log_softmax": {"output": lambda t: torch.log_softmax(t, dim=1)},
}


def expected(inputs: dict) -> dict:
    """Per batch, the right logits and those of each known mistake."""
    return logits_per_batch(inputs, forward, VARIANTS)


def forward(w: dict, x: torch.Tensor, pool=F.max_pool2d, conv_relu=True, fc_relu=True, output=None) -> torch.Tensor:
    conv_act = F.relu if conv_relu else (lambda t: t)
    fc_act = F.relu if fc_relu else (lambda t: t)
    with torch.no_grad():
        x = pool(conv_act(F.conv2d(x, w["conv1.weight"], w["conv1.bias"])), 2)
        x = pool(conv_act(F.conv2d(x, w["conv2.weight"], w["conv2.bias"])), 2)
        x = x.reshape(x.shape[0], -1)
        x = fc_act(F.linear(x, w["fc1.weight"], w["fc1.bias"]))
        x = fc_act(F.linear(x, w["fc2.weight"], w["fc2.bias"]))
        logits = F.linear(x, w["fc3.weight"], w["fc3.bias"])
        return output(logits) if output else logits
