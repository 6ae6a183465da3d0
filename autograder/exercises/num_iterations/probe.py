"""What ``num_iterations`` returned, and how that value reads (its repr and type) when it is not an int."""

from __future__ import annotations

from autograder.probing import call


def probe(defined: tuple, inputs: dict) -> dict:
    (num_iterations,) = defined
    result = call(num_iterations, inputs["n_samples"], inputs["batch_size"], inputs["epochs"], name="num_iterations")
    if type(result) is int:
        return {"result": result}
    try:  # only words for the message: the judge decides from "result" itself
        shown, kind = repr(result)[:80], type(result).__name__
    except Exception:
        shown, kind = None, None
    return {"result": result, "shown": shown, "kind": kind}
