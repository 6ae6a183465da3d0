"""Visible checks of the exercises still in the old layout (transitional; see ``autograder/exercises/``)."""

from autograder.verdict import CheckFailed

__all__ = ["CheckFailed"]
