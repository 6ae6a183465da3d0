"""What ``softmax(x)`` did: its result, whether it wrote into ``x``, and the operators it ran."""

from __future__ import annotations

from autograder.probing import call, operator_log, unchanged


def probe(defined: tuple, inputs: dict) -> dict:
    (softmax,) = defined
    x = inputs["x"]
    with operator_log() as log:
        result, changed = unchanged(x, lambda: call(softmax, x, name="softmax"))
    return {"result": result, "operators": sorted(log.names), "input_changed": changed}
