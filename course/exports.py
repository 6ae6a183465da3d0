"""``python -m course export``: one grade per student per lesson, late policy applied, for people and LMSs.

Each lesson is two nbgrader assignments (``01_softmax_en``, ``01_softmax_zh``); a student does a
lesson once, in the language they chose. Stock ``nbgrader export`` lists every student under every
assignment, so half its rows are zeros nobody earned. Here the gradebook (filled by ``course grade``
or by stock ``nbgrader autograde``, with Formgrader's manual scores) is read and merged by lesson:

* ``summary.csv``: exactly :data:`SUMMARY_COLUMNS`, one row per student per lesson; ``language`` is
  the one the student submitted in (if both: the later submission), ``score`` the raw points
  (manual scores over automatic ones), ``final_score`` after the late policy of ``course.toml``;
  ``status`` is ``graded``, ``needs manual grading`` (a written answer has no score yet; its points
  are counted once it has), ``not submitted``, ``autograding failed`` (stock ``nbgrader autograde``
  could not run the notebook), or ``course grade``'s ``invalid``/``missing`` when the notebook could
  not be read.
* ``lms.csv``: one row per student, one column per lesson (final scores) and ``Final Score``, the
  total, in the columns Canvas's gradebook import asks for (see README, "Export to the LMS").

``course grade`` writes both after grading; this verb rewrites them from the gradebook alone, e.g.
after manual grading in Formgrader or after stock ``nbgrader autograde``.
"""

from __future__ import annotations

import csv
import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from helper.i18n import LANGUAGES

from . import config, late
from .paths import REPO

SUMMARY_COLUMNS = ["student_id", "lesson", "language", "score", "max_score", "submitted_at", "late_days",
                   "penalty", "final_score", "status"]
LMS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
LMS_TOTAL = "Final Score"


@dataclass(frozen=True)
class Submission:
    """One student's graded notebook(s) of one assignment, from the gradebook."""

    student_id: str
    assignment: str
    score: float
    max_score: float
    submitted_at: datetime | None
    needs_manual: bool  # a written answer (markdown grade cell) has no score yet
    not_autograded: bool = False  # a code test cell has no score: autograding this notebook failed


@dataclass(frozen=True)
class LessonGrade:
    student_id: str
    lesson: str
    language: str
    score: float
    max_score: float
    submitted_at: datetime | None
    lateness: late.Lateness
    status: str

    @property
    def final_score(self) -> float:
        return self.lateness.final(self.score)


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="summary.csv and lms.csv: one grade per student per lesson",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("--gradebook", type=_gradebook_location, default=REPO / "gradebook.db",
                        help="a file or an SQLAlchemy URL (postgresql://user@host/db); default the course's gradebook.db")
    parser.add_argument("--out", type=Path, default=REPO / "graded", help="where the CSV files go (default graded/)")
    parser.add_argument("--config", type=Path, default=config.CONFIG, help="due dates and late policy (default course.toml)")
    parser.set_defaults(run=main)


def main(args) -> int:
    if isinstance(args.gradebook, Path) and not args.gradebook.is_file():
        print(f"error: no gradebook at {args.gradebook}: grade first (python -m course grade, or nbgrader autograde)",
              file=sys.stderr)
        return 1
    try:
        settings = config.load(args.config)
    except config.ConfigError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    grades = lesson_grades(read_gradebook(args.gradebook), settings)
    write(args.out, grades)
    return 0


def _gradebook_location(value: str):
    from course.grade.gradebook import location

    return location(value)


def write(out: Path, grades: list[LessonGrade]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_summary(out / "summary.csv", grades)
    write_lms(out / "lms.csv", grades)
    students = len({g.student_id for g in grades})
    print(f"wrote {out / 'summary.csv'} ({len(grades)} rows: {students} student(s) × lessons) and "
          f"{out / 'lms.csv'} ({students} rows)")


def split_assignment(assignment: str) -> tuple[str, str]:
    """``01_softmax_zh`` → (``01_softmax``, ``zh``); a name without a language suffix is its own lesson."""
    stem, _, language = assignment.rpartition("_")
    return (stem, language) if stem and language in LANGUAGES else (assignment, "")


def read_gradebook(db_path: Path | str) -> tuple[list[str], dict[str, float], list[Submission]]:
    """Students, each lesson's points, and every submission in nbgrader's gradebook (a file or an SQLAlchemy URL)."""
    from course.grade.gradebook import opened

    submissions, max_scores = [], {}
    with opened(db_path) as gradebook:
        students = sorted(student.id for student in gradebook.students)
        for assignment in gradebook.assignments:
            lesson, _ = split_assignment(assignment.name)
            max_scores[lesson] = max(max_scores.get(lesson, 0.0), float(assignment.max_score or 0))
            for submission in assignment.submissions:
                grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
                score = sum(_score(grade) for grade in grades)
                unscored = [grade.cell.cell_type for grade in grades
                            if grade.manual_score is None and grade.auto_score is None]
                submissions.append(Submission(submission.student.id, assignment.name, score,
                                              float(submission.max_score or 0), submission.timestamp,
                                              "markdown" in unscored, "code" in unscored))
    return students, max_scores, submissions


def _score(grade) -> float:
    """nbgrader's rule: a manual score, when given, replaces the automatic one."""
    value = grade.manual_score if grade.manual_score is not None else grade.auto_score
    return float(value or 0) + float(grade.extra_credit or 0)


def lesson_grades(gradebook: tuple[list[str], dict[str, float], list[Submission]], settings: config.CourseConfig,
                  problems: dict[tuple[str, str], str] | None = None) -> list[LessonGrade]:
    """One grade per student per lesson that anyone submitted; ``problems`` maps (student, assignment) to a
    status from ``course grade`` (``invalid``, ``missing``) that the gradebook cannot tell."""
    students, max_scores, submissions = gradebook
    problems = problems or {}
    by_lesson: dict[tuple[str, str], list[Submission]] = {}
    for submission in submissions:
        by_lesson.setdefault((submission.student_id, split_assignment(submission.assignment)[0]), []).append(submission)
    lessons = sorted({lesson for _, lesson in by_lesson})
    grades = []
    for student in students:
        for lesson in lessons:
            chosen = _chosen(by_lesson.get((student, lesson), []))
            if chosen is None:
                grades.append(LessonGrade(student, lesson, "", 0.0, max_scores.get(lesson, 0.0), None, late.ON_TIME,
                                          "not submitted"))
                continue
            lateness = late.assess(chosen.submitted_at, settings.due.get(lesson), settings.late)
            status = problems.get((student, chosen.assignment)) or ("autograding failed" if chosen.not_autograded else
                                                                    "needs manual grading" if chosen.needs_manual
                                                                    else "graded")
            grades.append(LessonGrade(student, lesson, split_assignment(chosen.assignment)[1], chosen.score,
                                      chosen.max_score, chosen.submitted_at, lateness, status))
    return grades


def _chosen(submissions: list[Submission]) -> Submission | None:
    """The submission that counts for a lesson: the latest; on the same time, the higher score."""
    oldest = datetime.min
    return max(submissions, key=lambda s: ((s.submitted_at or oldest).replace(tzinfo=None), s.score), default=None)


def write_summary(path: Path, grades: list[LessonGrade]) -> None:
    rows = [[g.student_id, g.lesson, g.language, _n(g.score), _n(g.max_score), _time(g.submitted_at),
             g.lateness.late_days, _n(g.lateness.penalty), _n(g.final_score), g.status] for g in grades]
    _write_csv(path, SUMMARY_COLUMNS, rows)


def write_lms(path: Path, grades: list[LessonGrade]) -> None:
    """One row per student: identity columns, one final score per lesson, and the total."""
    lessons = sorted({g.lesson for g in grades})
    by_student: dict[str, dict[str, LessonGrade]] = {}
    for grade in grades:
        by_student.setdefault(grade.student_id, {})[grade.lesson] = grade
    rows = []
    for student, own in sorted(by_student.items()):
        scores = [own[lesson].final_score if lesson in own else 0.0 for lesson in lessons]
        rows.append([student, "", student, student, ""] + [_n(s) for s in scores] + [_n(round(sum(scores), 4))])
    _write_csv(path, LMS_IDENTITY + lessons + [LMS_TOTAL], rows)


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(temporary, path)


def _n(value: float) -> str:
    return f"{value:g}"


def _time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")
