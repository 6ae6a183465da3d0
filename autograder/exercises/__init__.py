"""Hidden tests, one module per exercise, shared by the notebooks' autograder cells, pytest and ``course grade``.

Every module here follows one contract, so the tests and the grader can handle any exercise
without knowing it:

* ``LESSON``: the lesson, e.g. ``"01_softmax"``; ``ANSWER_CELL``: the grade id of the answer cell;
* ``DEFINES``: the names the answer cell must define, in the order the probe receives them;
* ``CONTEXT``: the imports the notebook has made before the answer cell runs;
* ``cases(device)``: the hidden inputs, ``(name, inputs)`` pairs of plain data (see ``autograder.wire``);
* ``judge(name, inputs, outputs)``: raises ``CheckFailed`` (an ``AssertionError``) with a message for
  the student when ``outputs``, what ``autograder.probes.<exercise>.probe`` reported for these
  inputs, is wrong; returns quietly when it is right;
* ``FORBIDDEN_NAMES`` (optional): functions the answer may not use, which ``course grade`` also
  looks for in the answer's text (as attributes, ``torch.softmax``, and ``from`` imports);
* ``hidden_tests(*defined, devices=None)``: :func:`run_in_process` on this module, for the
  notebook's hidden test block (stock ``nbgrader autograde``).

``course grade`` runs the probe in a sandboxed process of its own and the judge in the grader, so
nothing the answer does to its own process can change how it is judged.
"""

from __future__ import annotations

import importlib

import torch

from helper.checks.core import CheckFailed

from .. import wire
from ..probes import FAILED, probe_for, run_probe


def available_devices() -> list[str]:
    """Every device this machine can run an exercise on: always the CPU, and CUDA where present."""
    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def exercise(name: str):
    """The hidden-test module of one exercise."""
    return importlib.import_module(f"{__name__}.{name}")


def expect_answered(outputs: dict) -> None:
    """Fail with the probe's message when the answer failed before giving anything to compare."""
    if isinstance(outputs, dict) and FAILED in outputs:
        raise CheckFailed(one_line(outputs[FAILED]))
    if not isinstance(outputs, dict):
        raise CheckFailed("the grading process returned no results for this case")


def one_line(text, limit: int = 300) -> str:
    """Text from the student's process, fit for a CSV cell: one line, bounded."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_in_process(name: str, defined: tuple, devices: list[str] | None = None) -> None:
    """Probe and judge every case in this process, through the same wire format as ``course grade``."""
    module, probe = exercise(name), probe_for(name)
    for device in devices or available_devices():
        for case, inputs in module.cases(device):
            outputs = wire.round_trip(run_probe(probe, defined, wire.round_trip(inputs)))
            expect_answered(outputs)
            module.judge(case, inputs, outputs)
