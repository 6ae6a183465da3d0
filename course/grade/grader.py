"""Grade one student's notebook: read it, check its test cells, run each exercise's answer, make rows.

Every outcome becomes rows (one per test cell of the lesson) with a status and a one-line reason;
nothing a submission contains can stop the grading of the others.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.exercise import exercise as exercise_facts
from helper.i18n import message, speaking

from ..paths import RELEASE, SOURCE
from . import notebook as nb
from .feedback import language_of
from .judge import Limits, grade_answer
from .results import Row
from .submissions import Job


@dataclass
class Graded:
    rows: list[Row]
    answers: dict[str, str]
    cells: list[nb.TestCell]


def lesson_cells(assignment: str, notebook: str) -> list[nb.TestCell]:
    """The graded test cells of a lesson notebook, from the course's source and release."""
    source = nb.read_json(SOURCE / assignment / f"{notebook}.ipynb")
    release = nb.read_json(RELEASE / assignment / f"{notebook}.ipynb")
    return nb.test_cells(source, release)


def grade(job: Job, hidden: list[Path], limits: Limits, work_root: Path) -> Graded:
    """Rows for every test cell of ``job``'s notebook, with messages in the notebook's language."""
    with speaking(language_of(job.assignment)):
        return _grade(job, hidden, limits, work_root)


def _grade(job: Job, hidden: list[Path], limits: Limits, work_root: Path) -> Graded:
    if job.problem and not job.notebook:  # an assignment the course does not have
        return Graded([Row(job.student_id, job.assignment, "", "", 0, 0, "invalid", str(job.problem))], {}, [])
    if not job.assignment:  # a loose notebook that matches no lesson
        return Graded([Row(job.student_id, "", job.notebook, "", 0, 0, "invalid", str(job.problem))], {}, [])
    cells = lesson_cells(job.assignment, job.notebook)

    def rows(status: str, message: str) -> list[Row]:
        return [Row(job.student_id, job.assignment, job.notebook, c.grade_id, 0, c.points, status, message) for c in cells]

    if job.path is None:
        return Graded(rows("missing", str(job.problem)), {}, cells)
    try:
        submitted = nb.graded_cells(nb.read_json(job.path))
    except nb.InvalidNotebook as problem:
        return Graded(rows("invalid", str(problem)), {}, cells)

    language = language_of(job.assignment)
    answers, verdicts = {}, {}
    job_dir = Path(tempfile.mkdtemp(prefix=f"{job.student_id}-", dir=work_root))
    try:
        for exercise in dict.fromkeys(cell.exercise for cell in cells):
            answer_cell = exercise_facts(exercise).answer_cell
            answer = nb.answer(submitted, answer_cell)
            if answer is None:
                verdicts[exercise] = ("missing", message("grade_answer_missing", cell=answer_cell), "grade_answer_missing")
                continue
            answers[answer_cell] = answer
            verdict = grade_answer(exercise, answer, language, job_dir / exercise, hidden, limits)
            verdicts[exercise] = (verdict.status, verdict.message, verdict.reason)
    finally:
        shutil.rmtree(job_dir, ignore_errors=True)

    graded = []
    for cell in cells:
        status, text, reason = verdicts[cell.exercise]
        tampered = nb.tampering(submitted, cell)
        if tampered:
            answer = message("tamper_answer_passed") if status == "ok" else message("tamper_answer_failed", message=text)
            status, text, reason = "tampered", message("tamper_withheld", why=tampered, answer=answer), "tamper_withheld"
        score = cell.points if status == "ok" else 0
        graded.append(Row(job.student_id, job.assignment, job.notebook, cell.grade_id, score, cell.points, status, text,
                          reason))
    return Graded(graded, answers, cells)
