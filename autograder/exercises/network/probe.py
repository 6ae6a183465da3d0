"""What ``Network()`` is and does: its layers and parameters as data, and its logits under the case's weights.

It builds ``Network()``, describes the layers ``inputs["layers"]`` names (type, in/out features,
bias) and every parameter, loads ``inputs["weights"]``, moves the model to ``inputs["device"]``
(and ``.double()`` for float64) and reports ``model(x)`` for each batch: the logits and whether
``x`` was written to, or the crash (with whether the same batch runs once flattened).
"""

from __future__ import annotations

from autograder.models import probe_model


def probe(defined: tuple, inputs: dict) -> dict:
    (Network,) = defined
    return probe_model(Network, "Network", inputs, retry_flat=True)
