"""Read a submitted notebook without trusting it, and compare its graded cells with the release.

Nothing here runs code. A submission is bytes that should be UTF-8 JSON in nbformat 4; anything
else is ``invalid`` with a message that says how to fix it. Test cells are compared with the ones
the student received: a test cell that was edited, deleted, duplicated or given another grade id
is ``tampered``. Answer cells are found by grade id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from helper.i18n import message

MAX_NOTEBOOK_BYTES = 32 * 2**20
EXERCISE_CALL = re.compile(r"hidden_tests\(\s*[\"'](\w+)[\"']|from autograder\.exercises\.(\w+) import hidden_tests")


class InvalidNotebook(ValueError):
    """Not a notebook the grader can read; the text (in the current language) says what is wrong and how to fix it."""

    def __init__(self, message_id: str, **fields):
        super().__init__(message(message_id, **fields))


@dataclass(frozen=True)
class TestCell:
    """A graded test cell of the source notebook and the exercise its hidden tests belong to."""

    grade_id: str
    points: float
    exercise: str
    released_source: str


@dataclass
class Submitted:
    """The cells of a submitted notebook that grading needs, by grade id."""

    cells: dict[str, list[dict]] = field(default_factory=dict)

    def source(self, grade_id: str) -> str | None:
        found = self.cells.get(grade_id, [])
        return _text(found[0].get("source", "")) if len(found) == 1 else None


def read_json(path: Path) -> dict:
    """The notebook's JSON, or :class:`InvalidNotebook` naming the problem."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise InvalidNotebook("invalid_too_large", mib=MAX_NOTEBOOK_BYTES // 2**20)
        raw = path.read_bytes()
    except OSError as error:
        raise InvalidNotebook("invalid_unreadable", error=error.strerror or error) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InvalidNotebook("invalid_not_utf8", byte=f"{raw[error.start]:02x}", offset=error.start) from None
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidNotebook("invalid_not_json", error=error.msg, line=error.lineno, column=error.colno) from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells", notebook.get("worksheets")), list):
        raise InvalidNotebook("invalid_no_cells")
    major = notebook.get("nbformat")
    if major != 4:
        raise InvalidNotebook("invalid_nbformat", major=major)
    return notebook


def graded_cells(notebook: dict) -> Submitted:
    """Every cell with an nbgrader grade id, grouped by that id (a duplicate id is a list of two)."""
    submitted = Submitted()
    for cell in notebook["cells"]:
        if not isinstance(cell, dict):
            raise InvalidNotebook("invalid_bad_cell")
        meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if isinstance(grade_id, str):
            submitted.cells.setdefault(grade_id, []).append(cell)
    return submitted


def test_cells(source_notebook: dict, release_notebook: dict) -> list[TestCell]:
    """The graded test cells of a lesson, in notebook order, with what the student received in each."""
    released = graded_cells(release_notebook)
    cells = []
    for cell in source_notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("grade") and not meta.get("solution"):
            match = EXERCISE_CALL.search(_text(cell["source"]))
            if match is None:
                raise ValueError(f"test cell {meta['grade_id']!r} runs no exercise's hidden_tests")
            cells.append(TestCell(meta["grade_id"], float(meta.get("points", 0)), match.group(1) or match.group(2),
                                  released.source(meta["grade_id"]) or ""))
    return cells


def tampering(submitted: Submitted, cell: TestCell) -> str | None:
    """Why a submitted test cell is not the one released (edited, deleted, duplicated), or None."""
    found = submitted.cells.get(cell.grade_id, [])
    if not found:
        return message("tamper_deleted", cell=cell.grade_id)
    if len(found) > 1:
        return message("tamper_duplicated", count=len(found), cell=cell.grade_id)
    student = found[0]
    meta = student.get("metadata", {}).get("nbgrader", {})
    if student.get("cell_type") != "code" or not meta.get("grade") or meta.get("solution"):
        return message("tamper_kind", cell=cell.grade_id)
    if _points(meta) != cell.points:
        return message("tamper_points", cell=cell.grade_id)
    if _normal(_text(student.get("source", ""))) != _normal(cell.released_source):
        return message("tamper_edited", cell=cell.grade_id)
    return None


def answer(submitted: Submitted, grade_id: str) -> str | None:
    """The source of the answer cell ``grade_id``, or None if it is missing or duplicated."""
    found = [c for c in submitted.cells.get(grade_id, []) if c.get("cell_type") == "code"]
    return _text(found[0].get("source", "")) if len(found) == 1 else None


def _points(meta: dict) -> float | None:
    try:
        return float(meta.get("points"))
    except (TypeError, ValueError):
        return None


def _text(source) -> str:
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
