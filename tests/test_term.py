"""An instructor's whole term, end to end, with the real nbgrader commands: README's "An instructor's term".

A scratch course directory (a copy of the course's code, notebooks and config, so a judge can be
edited there) and an nbgrader exchange in a temporary folder, removed whatever happens. Students
are stock nbgrader run with their own HOME and student id: they fetch, answer, and submit; the
instructor releases, collects, grades with ``course grade``, fixes a judge, re-grades one student,
releases feedback; students fetch it in their language. Then the same class goes through stock
``nbgrader autograde`` and ``course export``.

Lateness is decided by the order of events, not by a clock: the due date is set to the latest
timestamp of the on-time submissions, and carol submits after it.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import parse_utc

from conftest import submission, with_answer
from course.grade import gradebook
from course.paths import REPO
from helper.data import configured_data_root

pytestmark = pytest.mark.slow

COURSE_ID = "pytorch-from-zero"
COPIED = ("course", "autograder", "helper", "source", "release", "nbgrader_config.py", "pyproject.toml")
SUBMISSIONS = [  # in this order; (student, assignment, notebook, answer cell, sample answer or None for a broken file)
    ("alice", "01_softmax_en", "softmax", "softmax", "correct_max_shift"),
    ("bo", "01_softmax_zh", "softmax", "softmax", "correct_max_shift"),
    ("dan", "01_softmax_en", "softmax", "softmax", None),
    ("alice", "02_torch_nn_en", "torch_nn", "network", "correct_modules"),
]
LATE = ("carol", "01_softmax_zh", "softmax", "softmax", "wrong_sum_dim0")  # wrong, and after the due date
STUDENTS = ["alice", "bo", "carol", "dan"]


def run(command: list[str], cwd: Path, env: dict, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if ok:
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def nbgrader(cwd: Path, env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "nbgrader", *args], cwd, env, ok)


def course(cwd: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "course", *args], cwd, env)


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def by_student(rows: list[dict], lesson: str = "01_softmax") -> dict[str, dict]:
    return {row["student_id"]: row for row in rows if row.get("lesson", lesson) == lesson}


class Term:
    """The course directory, the exchange, the students' homes, and what each step printed."""

    def __init__(self, root: Path):
        self.root = root
        self.course = root / "course"
        self.exchange = root / "exchange"
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
        self.env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                        COURSE_EXCHANGE=str(self.exchange), COURSE_DATA_ROOT=str(configured_data_root()))
        self.outputs: dict[str, subprocess.CompletedProcess] = {}
        self.snapshots: dict[str, dict] = {}

    def home(self, student: str) -> Path:
        return self.root / "home" / student

    def as_student(self, student: str, *args: str) -> subprocess.CompletedProcess:
        """Stock nbgrader as ``student`` would run it in their Lab: their HOME, their id, the exchange."""
        home = self.home(student)
        home.mkdir(parents=True, exist_ok=True)
        env = {**self.env, "HOME": str(home), "USER": student}
        return nbgrader(home, env, *args, f"--course={COURSE_ID}", f"--Exchange.root={self.exchange}",
                        f"--CourseDirectory.student_id={student}")

    def submit(self, student: str, assignment: str, notebook: str, cell: str, answer: str | None) -> None:
        self.as_student(student, "fetch_assignment", assignment)
        path = self.home(student) / assignment / f"{notebook}.ipynb"
        if answer is None:
            path.write_text('{"cells": [ {"cell_type": "code", "source": "broken', encoding="utf-8")
        else:
            nbformat.write(with_answer(nbformat.read(path, as_version=4), cell, submission(cell, answer)), path)
        self.as_student(student, "submit", assignment)

    def snapshot(self, name: str, out: Path) -> None:
        self.snapshots[name] = {"summary": read_csv(out / "summary.csv"), "lms": read_csv(out / "lms.csv")}


@pytest.fixture(scope="module")
def term(tmp_path_factory, data_root):
    root = tmp_path_factory.mktemp("term")
    term = Term(root)
    try:
        play(term)
        yield term
    finally:
        shutil.rmtree(term.exchange, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)


def play(term: Term) -> None:
    """The term as README's instructor section walks it (each step's output is kept for the tests)."""
    here, env = term.course, term.env
    for name in COPIED:
        source, target = REPO / name, here / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "hostile"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)

    # Release; students fetch, answer and submit through the exchange.
    for assignment in ("01_softmax_en", "01_softmax_zh", "02_torch_nn_en"):
        nbgrader(here, env, "release_assignment", assignment)
    for student, assignment, notebook, cell, answer in SUBMISSIONS:
        term.submit(student, assignment, notebook, cell, answer)
    inbound = term.exchange / COURSE_ID / "inbound"
    due = max(parse_utc((folder / "timestamp.txt").read_text()) for folder in inbound.iterdir())
    (here / "course.toml").write_text(f"[due]\n01_softmax = {due.isoformat()}Z\n02_torch_nn = {due.isoformat()}Z\n"
                                      "[late]\nper_day = 0.1\nmax_penalty = 0.5\n", encoding="utf-8")
    term.submit(*LATE)

    # Collect and grade.
    for assignment in ("01_softmax_en", "01_softmax_zh", "02_torch_nn_en"):
        nbgrader(here, env, "collect", assignment)
    term.outputs["first"] = course(here, env, "grade", "submitted/", "--timeout", "120")
    term.snapshot("first", here / "graded")
    term.outputs["release again"] = nbgrader(here, env, "generate_assignment", "01_softmax_en", "--force", ok=False)

    # A judge is fixed: the next run grades again exactly the notebooks it judges.
    with open(here / "autograder" / "exercises" / "softmax" / "judge.py", "a", encoding="utf-8") as judge:
        judge.write("\n# the judge was revised\n")
    term.outputs["judge fixed"] = course(here, env, "grade", "submitted/", "--timeout", "120")

    # A manual score in Formgrader, then carol alone is graded again: the manual score stays.
    with gradebook.opened(here / "gradebook.db") as book:
        book.find_grade("test_softmax", "softmax", "01_softmax_zh", "carol").manual_score = 1.5
        book.db.commit()
    term.outputs["one student"] = course(here, env, "grade", "submitted/", "--student", "carol", "--timeout", "120")
    term.snapshot("one student", here / "graded")

    # Feedback through nbgrader's road: release, and each student fetches it.
    for assignment in ("01_softmax_en", "01_softmax_zh"):
        term.outputs[f"release_feedback {assignment}"] = nbgrader(here, env, "release_feedback", assignment)
    for student, assignment in (("alice", "01_softmax_en"), ("bo", "01_softmax_zh"), ("carol", "01_softmax_zh")):
        term.as_student(student, "fetch_feedback", assignment)

    # The same class through stock nbgrader autograde, into a gradebook of its own, then course export.
    stock_db = f"--db=sqlite:///{term.root / 'stock.db'}"
    for assignment in ("01_softmax_en", "01_softmax_zh"):
        nbgrader(here, env, "generate_assignment", assignment, "--force", stock_db)
        term.outputs[f"autograde {assignment}"] = nbgrader(here, env, "autograde", assignment, stock_db, ok=False)
    course(here, env, "export", "--gradebook", str(term.root / "stock.db"), "--out", str(term.root / "stock-out"))
    term.snapshot("stock", term.root / "stock-out")


def test_one_row_per_student_per_lesson_in_the_language_submitted_with_the_late_penalty(term):
    rows = term.snapshots["first"]["summary"]
    assert list(rows[0]) == ["student_id", "lesson", "language", "score", "max_score", "submitted_at", "late_days",
                             "penalty", "final_score", "status"]
    assert sorted((r["student_id"], r["lesson"]) for r in rows) == \
        sorted((s, lesson) for s in STUDENTS for lesson in ("01_softmax", "02_torch_nn"))
    lesson1 = {s: (r["language"], r["score"], r["late_days"], r["penalty"], r["final_score"], r["status"])
               for s, r in by_student(rows).items()}
    assert lesson1 == {"alice": ("en", "3", "0", "0", "3", "graded"), "bo": ("zh", "3", "0", "0", "3", "graded"),
                       "carol": ("zh", "0", "1", "0.1", "0", "graded"), "dan": ("en", "0", "0", "0", "0", "invalid")}
    assert by_student(rows, "02_torch_nn")["alice"]["status"] == "graded"
    assert by_student(rows, "02_torch_nn")["bo"]["status"] == "not submitted"


def test_lms_file_has_one_row_per_student_and_a_column_per_lesson(term):
    rows = term.snapshots["first"]["lms"]
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_softmax", "02_torch_nn",
                             "Final Score"]
    assert [r["SIS Login ID"] for r in rows] == STUDENTS
    alice_lesson2 = float(by_student(term.snapshots["first"]["summary"], "02_torch_nn")["alice"]["final_score"])
    assert alice_lesson2 > 0 and float(rows[0]["Final Score"]) == 3 + alice_lesson2


def test_grading_leaves_the_release_step_working(term):
    again = term.outputs["release again"]
    assert again.returncode == 0, again.stdout + again.stderr
    released = term.course / "release" / "01_softmax_en" / "softmax.ipynb"
    assert released.read_bytes() == (REPO / "release" / "01_softmax_en" / "softmax.ipynb").read_bytes()


def test_each_run_says_what_it_grades_and_reuses(term):
    assert "grading 5 notebook(s) (5 not graded before); reusing 0 stored result(s)" in term.outputs["first"].stdout
    assert "grading 4 notebook(s) (4 grading code or data changed); reusing 1 stored result(s)" \
        in term.outputs["judge fixed"].stdout
    assert "grading 1 notebook(s) (1 --student); reusing 4 stored result(s)" in term.outputs["one student"].stdout
    assert "student_id" in term.outputs["first"].stdout  # the per-student summary has column headers


def test_a_manual_score_survives_re_grading_and_counts_with_the_penalty(term):
    carol = by_student(term.snapshots["one student"]["summary"])["carol"]
    assert (carol["score"], carol["penalty"], carol["final_score"]) == ("1.5", "0.1", "1.35")
    with gradebook.opened(term.course / "gradebook.db") as book:
        grade = book.find_grade("test_softmax", "softmax", "01_softmax_zh", "carol")
        assert (grade.manual_score, grade.auto_score) == (1.5, 0)


def test_the_gradebook_holds_only_the_language_each_student_submitted(term):
    with gradebook.opened(term.course / "gradebook.db") as book:
        submitted = sorted((s.student.id, s.assignment.name) for a in book.assignments for s in a.submissions)
    assert submitted == [("alice", "01_softmax_en"), ("alice", "02_torch_nn_en"), ("bo", "01_softmax_zh"),
                         ("carol", "01_softmax_zh"), ("dan", "01_softmax_en")]


@pytest.mark.parametrize("student, assignment, words", [
    ("alice", "01_softmax_en", ["Feedback", "Exercise", "softmax", "3 / 3", "passed"]),
    ("bo", "01_softmax_zh", ["评分反馈", "练习", "softmax", "3 / 3", "通过"]),
    ("carol", "01_softmax_zh", ["评分反馈", "练习", "softmax", "0 / 3", "未通过"]),
])
def test_students_fetch_their_feedback_in_their_language(term, student, assignment, words):
    pages = list((term.home(student) / assignment / "feedback").glob("*/softmax.html"))
    assert len(pages) == 1, pages
    page = pages[0].read_text(encoding="utf-8")
    assert all(word in page for word in words), page
    assert str(term.course) not in page and str(term.root) not in page  # no instructor path
    assert "hidden_tests" not in page and "HIDDEN TESTS" not in page  # no hidden-test code


def test_stock_autograde_gives_the_same_lesson_grades_without_checksum_warnings(term):
    for assignment in ("01_softmax_en", "01_softmax_zh"):
        log = term.outputs[f"autograde {assignment}"].stdout + term.outputs[f"autograde {assignment}"].stderr
        assert "'checksum'" not in log, log
    # dan's broken file: stock nbgrader grades the others, names dan in its error log and exits 1
    english = term.outputs["autograde 01_softmax_en"]
    assert english.returncode == 1 and "for student 'dan'" in english.stdout + english.stderr
    assert term.outputs["autograde 01_softmax_zh"].returncode == 0
    stock = {s: (r["language"], r["score"], r["late_days"], r["penalty"], r["final_score"], r["status"])
             for s, r in by_student(term.snapshots["stock"]["summary"]).items()}
    assert stock == {"alice": ("en", "3", "0", "0", "3", "graded"), "bo": ("zh", "3", "0", "0", "3", "graded"),
                     "carol": ("zh", "0", "1", "0.1", "0", "graded"),
                     "dan": ("en", "0", "0", "0", "0", "autograding failed")}
    assert len(term.snapshots["stock"]["lms"]) == len(STUDENTS)
