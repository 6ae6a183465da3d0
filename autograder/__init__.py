"""Everything an exercise is: facts, cases, probe, judge, messages, reference and samples.

Each exercise is one folder, ``autograder/exercises/<name>/`` (see :mod:`autograder.exercise`).
A notebook imports ``check`` (the visible check) and, in its hidden test block, ``hidden_tests``.
This module imports nothing heavy itself: the grading sandbox imports ``autograder`` to reach the
probes, and holds neither the judges nor the references.
"""


def __getattr__(name: str):
    if name in ("check", "hidden_tests"):
        from . import checking

        return getattr(checking, name)
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")


__all__ = ["check", "hidden_tests"]
