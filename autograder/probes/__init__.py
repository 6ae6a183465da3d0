"""The student's side of grading: call the answer on the judge's inputs and report what came back.

``autograder.probes.<exercise>.probe(defined, inputs) -> dict`` calls the names the answer cell
defined on one case's inputs and returns plain results (tensors, numbers, flags). It holds no
reference answers and compares nothing: the judge (``autograder.exercises.<exercise>.judge``) does
that in a process the student's code never ran in. Only this package, ``autograder.wire`` and
``helper`` are copied into the sandbox where ``python -m autograder.probes JOB`` runs an answer.
"""

from __future__ import annotations

import importlib

from helper.checks.core import CheckFailed

FAILED = "__failed__"
"""Key of a probe result that says the answer failed before there was anything to compare."""
ERROR = "__error__"
"""Key of the result of every case when the answer cell itself could not run (status ``error``)."""


def probe_for(exercise: str):
    """The ``probe`` function of one exercise."""
    return importlib.import_module(f"{__name__}.{exercise}").probe


def run_probe(probe, defined: tuple, inputs: dict) -> dict:
    """One case's results, or ``{FAILED: message}`` when the answer raised, crashed or exited."""
    try:
        return probe(defined, inputs)
    except CheckFailed as failure:
        return {FAILED: str(failure)}
    except Exception as error:
        return {FAILED: f"{type(error).__name__}: {error}"}
    except BaseException as error:  # sys.exit(), KeyboardInterrupt raised by the answer
        return {FAILED: f"the answer raised {type(error).__name__} ({error})"}
