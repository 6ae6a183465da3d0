"""The old checks' comparisons (transitional): each exercise that moves to ``autograder/exercises/<name>/``
uses :mod:`autograder.probing` and :mod:`autograder.judging` directly; this module goes with the last one.
"""

from __future__ import annotations

from contextlib import contextmanager

import torch

from autograder.judging import expect_no_operators, expect_tensor, passed, type_name
from autograder.probing import call, operator_log, record_optimizers
from autograder.probing import describe as _describe
from autograder.verdict import CheckFailed

from ..i18n import message

__all__ = ["CheckFailed", "call", "expect_no_operators", "expect_tensor", "expect_unchanged", "forbid_operators",
           "operator_log", "passed", "record_optimizers", "type_name", "_describe"]


def expect_unchanged(tensor: torch.Tensor, version_before: int, original: torch.Tensor, name: str) -> None:
    """Fail if the student's function wrote into its input (even if it wrote the old values back)."""
    if tensor._version != version_before or not torch.equal(tensor, original):
        raise CheckFailed(message("input_modified", name=name), "input_modified", {"name": name})


@contextmanager
def forbid_operators(forbidden: dict[str, str], name: str):
    """Fail if code run inside the block used any of ``forbidden`` (ATen name → name to show)."""
    with operator_log() as log:
        yield
    expect_no_operators(log.names, forbidden, name)
