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


def __getattr__(name: str):
    # Imported only when an old-layout module asks: the grading sandbox imports this package to
    # reach the probes, and holds no judging code.
    if name in ("expect_answered", "one_line"):
        from .. import judging

        return getattr(judging, name)
    raise AttributeError(name)


def available_devices() -> list[str]:
    """Every device this machine can run an exercise on: always the CPU, and CUDA where present."""
    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def exercise(name: str):
    """The hidden-test module of one exercise."""
    return importlib.import_module(f"{__name__}.{name}")


def run_in_process(name: str, defined: tuple, devices: list[str] | None = None) -> None:
    """Probe and judge every case in this process, through the same wire format as ``course grade``."""
    from .. import wire
    from ..judging import expect_answered
    from ..probes import probe_for, run_probe

    module, probe = exercise(name), probe_for(name)
    for device in devices or available_devices():
        for case, inputs in module.cases(device):
            outputs = wire.round_trip(run_probe(probe, defined, wire.round_trip(inputs)))
            expect_answered(outputs)
            module.judge(case, inputs, outputs)
