"""Put ``course grade``'s scores into nbgrader's gradebook, so Formgrader and exports show them.

Only ``auto_score`` is written, which is what ``nbgrader autograde`` writes too; a manual score or
comment an instructor gave in Formgrader is never touched, so it survives every re-grade. A
manually graded answer cell keeps nbgrader's "needs manual grade" flag until it has a score.

An assignment is registered exactly as ``nbgrader generate_assignment`` registers it (grade,
solution, task and source cells, with nbgrader's checksums), because that is what it is: stock
``generate_assignment`` is run on the source notebook in a scratch course directory with a
scratch gradebook, and its cells are copied over. Registering only the grade cells, as this module
once did, made the next ``nbgrader generate_assignment --force`` refuse with "Cannot add or remove
cells ... because there are submissions" and leave ``release/`` deleted. Only the assignment a
student submitted is registered and given a submission: the other language gets no entry.

The gradebook is a file (SQLite, as nbgrader's default ``gradebook.db``) or any SQLAlchemy URL
nbgrader accepts (``sqlite:///…``, ``postgresql://user@host/db``). On PostgreSQL every use holds
one advisory lock, so two ``course grade`` runs at once (or one and ``course export``) never race
nbgrader's create-or-update steps: no grade is lost, none is written twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from ..paths import REPO
from .results import Row

COURSE_ID = "pytorch-from-zero"
LOCK_KEY = 0x636F7572  # PostgreSQL advisory lock held while this course's gradebook is used ("cour")

Location = Path | str
"""A gradebook: a file path, or an SQLAlchemy URL (a ``str`` with ``://``)."""


def location(value: str | Path) -> Location:
    """``--gradebook``'s value: an SQLAlchemy URL as given, anything else a file path."""
    text = str(value)
    return text if "://" in text else Path(text)


def resolved(db: Location) -> Location:
    return db.resolve() if isinstance(db, Path) else db


def url_of(db: Location) -> str:
    return db if isinstance(db, str) else f"sqlite:///{db}"


def shown(db: Location) -> str:
    """The gradebook for messages: a URL without its password."""
    if isinstance(db, Path):
        return str(db)
    from sqlalchemy.engine import make_url

    return make_url(db).render_as_string(hide_password=True)


def exists(db: Location) -> bool:
    """Whether there is a gradebook to read (a URL: the server holds one, or makes it when first used)."""
    return db.is_file() if isinstance(db, Path) else True


@contextmanager
def _serialised(url: str):
    """On PostgreSQL, the course's advisory lock for the duration (released even if this process dies)."""
    if not url.startswith("postgresql"):
        yield
        return
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
    finally:
        engine.dispose()


@contextmanager
def opened(db_path: Location):
    """nbgrader's Gradebook on ``db_path`` (a file or a URL), quiet about SQLAlchemy's autoflush notes.

    A new gradebook is created by running ``alembic`` from PATH: this Python's ``bin/`` goes first,
    so it works from ``.venv/bin/python`` without an activated venv.
    """
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    url = url_of(db_path)
    with warnings.catch_warnings(), _serialised(url):
        warnings.simplefilter("ignore")
        with Gradebook(url, course_id=COURSE_ID) as gradebook:
            yield gradebook


def record(db_path: Location, assignment: str, notebook: str, rows: list[Row], timestamp: datetime | None = None) -> None:
    """Write one graded notebook's scores (rows of one student) into the gradebook at ``db_path``."""
    graded = [row for row in rows if row.grade_id]
    if not graded:
        return
    student = graded[0].student_id
    register(db_path, assignment, notebook, {row.grade_id for row in graded})
    with opened(db_path) as gradebook:
        gradebook.update_or_create_student(student)
        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            submission = gradebook.add_submission(assignment, student)
        if timestamp is not None:
            submission.timestamp = timestamp
        for row in graded:
            try:
                grade = gradebook.find_grade(row.grade_id, notebook, assignment, student)
            except MissingEntry:  # a cell added to the lesson after this submission was first recorded
                print(f"warning: the gradebook's submission of {student} for {assignment} has no cell "
                      f"{row.grade_id!r}; its score is only in grades.csv", file=sys.stderr)
                continue
            grade.auto_score = row.score
            if grade.manual_score is None:
                grade.needs_manual_grade = False
        gradebook.db.commit()


def register(db_path: Location, assignment: str, notebook: str, grade_ids: set[str] = frozenset()) -> None:
    """Make the gradebook know ``assignment``'s notebook, with the grade cells ``grade_ids`` at least, as
    ``generate_assignment`` records it (see module doc)."""
    with opened(db_path) as gradebook:
        try:
            known = gradebook.find_notebook(notebook, assignment)
            if known.source_cells and {cell.name for cell in known.grade_cells} >= set(grade_ids):
                return  # registered by generate_assignment (or by us, the same way)
        except MissingEntry:
            pass
    cells = stock_cells(assignment, notebook)
    with opened(db_path) as gradebook:
        gradebook.update_or_create_assignment(assignment)
        try:
            gradebook.find_notebook(notebook, assignment)
        except MissingEntry:
            gradebook.add_notebook(notebook, assignment, kernelspec=cells["kernelspec"])
        for kind in ("grade", "solution", "task", "source"):
            update = getattr(gradebook, f"update_or_create_{kind}_cell")
            for name, info in cells[kind].items():
                update(name, notebook, assignment, **info)


STOCK_CELLS_CACHE = REPO / ".cache" / "stock-cells"
"""What :func:`stock_cells` found, by notebook: one ``generate_assignment`` run (seconds) per source notebook
and nbgrader version, not one per gradebook and run."""


def stock_cells(assignment: str, notebook: str) -> dict:
    """The cells stock ``generate_assignment`` records for one notebook (cached by the notebook's content,
    the course's nbgrader configuration and nbgrader's version)."""
    import nbgrader

    digest = hashlib.sha256()
    for part in ((REPO / "source" / assignment / f"{notebook}.ipynb").read_bytes(),
                 (REPO / "nbgrader_config.py").read_bytes(), nbgrader.__version__.encode()):
        digest.update(hashlib.sha256(part).digest())
    cached = STOCK_CELLS_CACHE / f"{assignment}-{notebook}-{digest.hexdigest()[:32]}.json"
    try:
        return json.loads(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    cells = _generated_cells(assignment, notebook)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(cells), encoding="utf-8")
        partial.replace(cached)  # whole or not at all, also with two graders at once
    except OSError:
        pass  # a read-only course directory: every run generates them again
    return cells


def _generated_cells(assignment: str, notebook: str) -> dict:
    """The cells stock ``generate_assignment`` records for one notebook, read back from a scratch gradebook."""
    with tempfile.TemporaryDirectory(prefix="course-register-") as scratch:
        course = Path(scratch)
        shutil.copy(REPO / "nbgrader_config.py", course)
        shutil.copytree(REPO / "source" / assignment, course / "source" / assignment)
        from ..build import nbgrader_environment

        result = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                                 f"--db=sqlite:///{course / 'scratch.db'}"], cwd=course,
                                env=nbgrader_environment(), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n{result.stdout}{result.stderr}")
        with opened(course / "scratch.db") as gradebook:
            found = gradebook.find_notebook(notebook, assignment)
            return {
                "kernelspec": found.kernelspec,
                "grade": {c.name: {"max_score": c.max_score, "cell_type": c.cell_type} for c in found.grade_cells},
                "solution": {c.name: {} for c in found.solution_cells},
                "task": {c.name: {"max_score": c.max_score, "cell_type": c.cell_type} for c in found.task_cells},
                "source": {c.name: {"cell_type": c.cell_type, "locked": c.locked, "source": c.source,
                                    "checksum": c.checksum} for c in found.source_cells},
            }


def scores(db_path: Location) -> dict[tuple[str, str, str, str], float]:
    """Every auto score in the gradebook, by (student, assignment, notebook, grade id), for automatically graded cells."""
    found = {}
    with opened(db_path) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        if grade.auto_score is not None:
                            found[(submission.student.id, assignment.name, notebook.name, grade.name)] = grade.auto_score
    return found
