"""Judge ``num_iterations``: an exact ``int``; when the count is off, the known mistake it points to."""

from __future__ import annotations

from autograder.exercise import Case
from autograder.judging import type_name
from autograder.verdict import fail
from autograder.wire import Returned

def judge(case: Case, observed: dict, expected: dict) -> None:
    n, b, epochs = (case.inputs[key] for key in ("n_samples", "batch_size", "epochs"))
    args = f"{n}, {b}, {epochs}"
    result = observed["result"]
    if type(result) is not int:
        shown, kind = _words(observed.get("shown")), _words(observed.get("kind"))
        if not isinstance(result, Returned):  # data: the judge can say what it is itself
            shown, kind = _words(repr(result)), type_name(result)
        fail("num_iterations.not_int", args=args, value=shown or f"<{result.type_name}>",
             kind=kind or type_name(result))
    right, mistakes = expected["right"], expected["mistakes"]
    if result == right:
        return
    fields = dict(args=args, actual=result, expected=right, n=n, b=b, epochs=epochs)
    if result in mistakes["float_division"]:  # differs from the right count only beyond 2**53
        fail("num_iterations.float_division", diff=abs(result - right), **fields)
    if expected["rest"] and epochs and result == mistakes["floor"]:
        fail("num_iterations.floor", full=expected["full"], rest=expected["rest"], **fields)
    if epochs != 1 and result in mistakes["no_epochs"]:
        fail("num_iterations.no_epochs", **fields)
    if not expected["rest"] and epochs and result == mistakes["extra_batch"]:
        fail("num_iterations.extra_batch", **fields)
    if epochs > 1 and result == mistakes["one_stream"]:
        fail("num_iterations.one_stream", **fields)
    fail("num_iterations.wrong", per_epoch=expected["per_epoch"], **fields)


def _words(value) -> str | None:
    """Words the probe sent for the message, if they are words: plain text, one short line."""
    if type(value) is not str:
        return None
    return " ".join(value.split())[:80] or None
