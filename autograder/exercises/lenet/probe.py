"""What ``LeNet()`` is and does: its layers and parameters as data, and its logits under the case's weights.

It builds ``LeNet()``, describes the layers ``inputs["layers"]`` names (type, channels, kernel,
stride, padding, features, bias) and every parameter, loads ``inputs["weights"]``, moves the model
to ``inputs["device"]`` (and ``.double()`` for float64) and reports ``model(x)`` for each batch:
the logits and whether ``x`` was written to, or the crash.
"""

from __future__ import annotations

from autograder.models import probe_model


def probe(defined: tuple, inputs: dict) -> dict:
    (LeNet,) = defined
    return probe_model(LeNet, "LeNet", inputs)
