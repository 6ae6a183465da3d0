"""How a check says no: :class:`CheckFailed`, carrying a message id from the catalogue and its fields.

Probes, judges and visible checks all fail through :func:`fail`, so every student-facing sentence
comes from ``messages.<lang>.toml`` (see :mod:`helper.i18n`) and the tests can pin a wrong answer
to the message id it must produce, whatever the language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from helper.i18n import message


class CheckFailed(AssertionError):
    """A check that did not pass; its text is meant for the student, its ``message_id`` for the tests."""

    def __init__(self, text: str, message_id: str | None = None, fields: dict | None = None):
        super().__init__(text)
        self.message_id = message_id
        self.fields = dict(fields or {})


def fail(message_id: str, **fields) -> NoReturn:
    """Raise :class:`CheckFailed` with the catalogue's text for ``message_id`` in the current language."""
    raise CheckFailed(message(message_id, **fields), message_id, fields)


def refail(failure: CheckFailed, prefix: str) -> NoReturn:
    """Raise ``failure`` again with ``prefix`` (say, the case it happened in) before its text."""
    raise CheckFailed(f"{prefix}: {failure}", failure.message_id, failure.fields) from None


@dataclass(frozen=True)
class Note:
    """What a judge says besides pass or fail, for the visible check to print after the case's title.

    A measurement (the accuracy a training run reached), or, with ``unverified``, something the check
    could not establish where it ran (a time measured on another machine than the grader's): then the
    visible check does not end with "all checks passed". Graders ignore notes.
    """

    message_id: str
    fields: dict = field(default_factory=dict)
    unverified: bool = False
