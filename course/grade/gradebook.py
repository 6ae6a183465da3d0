"""Put ``course grade``'s scores into nbgrader's gradebook, so Formgrader and exports show them.

Only ``auto_score`` is written, which is what ``nbgrader autograde`` writes too; a manual score or
comment an instructor gave in Formgrader is never touched. An assignment the gradebook does not
know yet (never generated on this machine) is added from the source notebook's grade cells.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .notebook import TestCell
from .results import Row

COURSE_ID = "pytorch-from-zero"


def record(db_path: Path, assignment: str, notebook: str, cells: list[TestCell], rows: list[Row]) -> None:
    """Write one graded notebook's scores (rows of one student) into the gradebook at ``db_path``."""
    graded = [row for row in rows if row.grade_id]
    if not graded:
        return
    student = graded[0].student_id
    with warnings.catch_warnings(), Gradebook(f"sqlite:///{db_path}", course_id=COURSE_ID) as gradebook:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes from inside nbgrader.api
        _ensure_assignment(gradebook, assignment, notebook, cells)
        gradebook.update_or_create_student(student)
        try:
            gradebook.find_submission(assignment, student)
        except MissingEntry:
            gradebook.add_submission(assignment, student)
        for row in graded:
            grade = gradebook.find_grade(row.grade_id, notebook, assignment, student)
            grade.auto_score = row.score
        gradebook.db.commit()


def _ensure_assignment(gradebook: Gradebook, assignment: str, notebook: str, cells: list[TestCell]) -> None:
    try:
        known = gradebook.find_notebook(notebook, assignment)
        if {cell.name for cell in known.grade_cells} >= {cell.grade_id for cell in cells}:
            return
    except MissingEntry:
        pass
    gradebook.update_or_create_assignment(assignment)
    gradebook.update_or_create_notebook(notebook, assignment)
    for cell in cells:
        gradebook.update_or_create_grade_cell(cell.grade_id, notebook, assignment, max_score=cell.points,
                                              cell_type="code")


def scores(db_path: Path) -> dict[tuple[str, str, str, str], float]:
    """Every auto score in the gradebook, by (student, assignment, notebook, grade id): for checking."""
    found = {}
    with Gradebook(f"sqlite:///{db_path}", course_id=COURSE_ID) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        found[(submission.student.id, assignment.name, notebook.name, grade.name)] = grade.auto_score
    return found
