"""Running an exercise as a notebook would, for tests: define an answer, run its visible check.

Used by ``tests/test_exercises.py`` and by the tests in each exercise's folder. Nothing here
computes an answer.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest

from .checking import check
from .exercise import exercise
from .verdict import CheckFailed


def define(name: str, source: str) -> tuple:
    """Run the notebook's imports and an answer cell; what it defines, in the order of ``defines``."""
    ex = exercise(name)
    namespace: dict = {}
    exec(compile(ex.context, "<notebook imports>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return tuple(namespace[n] for n in ex.defines)


def sample_source(name: str, stem: str) -> str:
    """The text of ``samples/<stem>.py`` of exercise ``name``."""
    return (exercise(name).folder / "samples" / f"{stem}.py").read_text(encoding="utf-8")


def visible(name: str, *defined) -> str:
    """What the visible check printed (it raises CheckFailed when it fails)."""
    out = io.StringIO()
    with redirect_stdout(out):
        check(name, *defined)
    return out.getvalue()


def visible_failure(name: str, *defined) -> CheckFailed:
    """How the visible check fails on ``defined`` (the test fails if it passes)."""
    with pytest.raises(CheckFailed) as failure:
        visible(name, *defined)
    return failure.value
