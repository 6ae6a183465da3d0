"""Hidden tests, one module per exercise, shared by the notebooks' autograder cells and pytest.

Every module here follows one contract, so ``tests/test_exercises.py`` can grade any exercise's
sample answers without knowing it:

* ``LESSON``: the lesson, e.g. ``"01_softmax"``; ``ANSWER_CELL``: the grade id of the answer cell;
* ``DEFINES``: the names the answer cell must define, in the order ``hidden_tests`` takes them;
* ``CONTEXT``: the imports the notebook has made before the answer cell runs;
* ``hidden_tests(*defined, devices=None)``: raises ``CheckFailed`` (an ``AssertionError``) with a
  message for the student at the first wrong result; returns quietly when all is right.

A notebook's hidden test block calls ``hidden_tests(<the defined names>)``.
"""

import torch


def available_devices() -> list[str]:
    """Every device this machine can run an exercise on: always the CPU, and CUDA where present."""
    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
