"""Visible checks: the cells students run to learn, in their own language, what is wrong.

Each exercise has a module with one ``check_<exercise>(fn)`` function; the comparisons they share
live in :mod:`helper.checks.core`, which the autograder's hidden tests reuse.
"""

from .core import CheckFailed
from .softmax import check_softmax

__all__ = ["CheckFailed", "check_softmax"]
