"""Grades on disk: one result file per graded notebook, and ``grades.csv`` made from all of them.

A notebook's rows are written to ``OUT/results/<student>/<assignment>/<notebook>.json`` in one
atomic step when it is done, with the SHA-256 of the file graded. A run that is interrupted
(Ctrl-C, killed) leaves only whole results behind; the next run reuses those whose submission has
not changed and grades the rest, so no grade is lost or counted twice. ``grades.csv`` is rewritten
(atomically) from the result files after every notebook.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

COLUMNS = ["student_id", "assignment", "notebook", "grade_id", "score", "max_score", "status", "message"]
STATUSES = ("ok", "failed", "error", "timeout", "missing", "tampered", "invalid")
FORMAT = 1


@dataclass
class Row:
    student_id: str
    assignment: str
    notebook: str
    grade_id: str
    score: float
    max_score: float
    status: str
    message: str

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


def fingerprint(path: Path | None) -> str:
    """SHA-256 of the submitted file ("" when there is none): a changed submission is graded again."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.is_file() else ""


def result_path(out: Path, student: str, assignment: str, notebook: str) -> Path:
    return out / "results" / student / (assignment or "_unknown") / f"{notebook or '_assignment'}.json"


def load_result(path: Path, digest: str) -> list[Row] | None:
    """The rows saved for this submission, or None when there are none or the file has changed since."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("format") != FORMAT or saved.get("sha256") != digest:
            return None
        return [Row(**row) for row in saved["rows"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_result(path: Path, digest: str, rows: list[Row]) -> None:
    _atomic_write(path, json.dumps({"format": FORMAT, "sha256": digest, "rows": [asdict(r) for r in rows]},
                                   ensure_ascii=False, indent=1))


def write_csv(path: Path, rows: list[Row]) -> None:
    """``grades.csv`` with exactly :data:`COLUMNS`, one row per graded test cell."""
    ordered = sorted(rows, key=lambda r: (r.student_id, r.assignment, r.notebook))
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in ordered:
            writer.writerow([row.student_id, row.assignment, row.notebook, row.grade_id, _number(row.score),
                             _number(row.max_score), row.status, row.message])
    os.replace(temporary, path)


def _number(value: float) -> str:
    return f"{value:g}"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
