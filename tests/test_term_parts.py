"""The parts of an instructor's term, one by one: the course file, the late policy, the grading
fingerprint, one grade per student per lesson from the gradebook, and written answers in lessons.

The whole term, end to end with the real nbgrader commands, is ``tests/test_term.py``.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from course import config, exports, late
from course.grade import gradebook, results
from course.lessons import Lesson, problems, render
from course.paths import REPO

DUE = datetime(2026, 9, 14, 15, 59, tzinfo=timezone.utc)
POLICY = config.LatePolicy(per_day=0.1, max_penalty=0.5, grace_minutes=15)


@pytest.mark.parametrize("after, days, penalty, final", [
    (timedelta(hours=-3), 0, 0.0, 4.0),             # on time
    (timedelta(minutes=14), 0, 0.0, 4.0),           # within the grace period
    (timedelta(minutes=16), 1, 0.1, 3.6),           # one started day late
    (timedelta(days=2, minutes=16), 3, 0.3, 2.8),   # three started days
    (timedelta(days=9), 9, 0.5, 2.0),               # past the cap: never more than half
])
def test_late_policy_on_time_late_and_past_the_cap(after, days, penalty, final):
    lateness = late.assess(DUE + after, DUE, POLICY)
    assert (lateness.late_days, lateness.penalty, lateness.final(4.0)) == (days, penalty, final)


def test_no_due_date_or_no_policy_takes_nothing():
    assert late.assess(DUE + timedelta(days=3), None, POLICY) == late.ON_TIME
    assert late.assess(DUE + timedelta(days=3), DUE, config.LatePolicy()).penalty == 0
    naive_utc = (DUE + timedelta(days=1, minutes=20)).replace(tzinfo=None)  # the gradebook's form
    assert late.assess(naive_utc, DUE, POLICY).late_days == 2


def test_course_file_reads_due_dates_and_policy(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[due]\n01_softmax = 2026-09-14T23:59:00+08:00\n[late]\nper_day = 0.1\nmax_penalty = 0.5\n',
                    encoding="utf-8")
    loaded = config.load(path)
    assert loaded.due == {"01_softmax": DUE}
    assert loaded.late == config.LatePolicy(0.1, 0.5, 0.0)
    assert config.load(tmp_path / "none.toml") == config.CourseConfig()
    assert config.load(REPO / "course.toml") == config.CourseConfig()  # the committed file sets nothing


@pytest.mark.parametrize("text, says", [
    ("[due]\n01_softmax = 2026-09-14T23:59:00\n", "UTC offset"),
    ("[late]\nper_day = 10\n", "between 0 and 1"),
    ("[late]\nper_week = 0.1\n", "unknown key"),
    ("[deadlines]\n", "unknown section"),
    ("[due\n", "not valid TOML"),
])
def test_a_bad_course_file_says_what_to_fix(tmp_path, text, says):
    path = tmp_path / "course.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError, match=says):
        config.load(path)


def test_the_grading_fingerprint_follows_the_files_that_judge_an_exercise(tmp_path):
    root = tmp_path / "course"
    for name in ("autograder", "helper", "course"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "hostile", "submissions"))
    (root / "pyproject.toml").write_text("", encoding="utf-8")

    def both():
        results.grading_fingerprint.cache_clear()
        return results.grading_fingerprint("softmax", root), results.grading_fingerprint("network", root)

    softmax, network = both()
    with open(root / "autograder" / "exercises" / "softmax" / "judge.py", "a", encoding="utf-8") as judge:
        judge.write("\n# a fixed judge\n")
    changed_softmax, same_network = both()
    assert changed_softmax != softmax and same_network == network
    (root / "autograder" / "exercises" / "softmax" / "messages.en.toml").write_text('small = "a new sentence"\n')
    assert both()[0] != changed_softmax  # what the student reads is part of the verdict
    changed_softmax = both()[0]
    (root / "autograder" / "exercises" / "softmax" / "samples" / "wrong_new.py").write_text("# a new sample\n")
    assert both() == (changed_softmax, same_network)  # samples judge nothing
    with open(root / "autograder" / "judging.py", "a", encoding="utf-8") as shared:
        shared.write("\n# shared by every exercise\n")
    assert all(new != old for new, old in zip(both(), (changed_softmax, same_network)))
    (root / "course" / "grade" / "feedback.py").write_text("# how feedback looks judges nothing\n", encoding="utf-8")
    assert both() == both()
    before = both()
    os.environ["COURSE_SEED"] = "12345"  # another seed draws other hidden inputs
    try:
        assert all(new != old for new, old in zip(both(), before))
    finally:
        del os.environ["COURSE_SEED"]
    results.grading_fingerprint.cache_clear()


def test_a_stored_key_says_why_it_is_out_of_date():
    stored = results.Key("a", "g", "0.1.0")
    assert results.Key("a", "g", "0.1.0").differences(stored) == []
    assert results.Key("b", "h", "0.1.0").differences(stored) == ["submission changed", "grading code or data changed"]


@pytest.fixture
def lesson5_gradebook(tmp_path):
    """A gradebook that knows lesson 5 in both languages as generate_assignment records it."""
    db = tmp_path / "gradebook.db"
    for language in ("en", "zh"):
        gradebook.register(db, f"05_backprop_{language}", "backprop")
    return db


def submit(db: Path, student: str, assignment: str, auto: float, when: datetime, manual: float | None = None):
    with gradebook.opened(db) as book:
        book.update_or_create_student(student)
        book.add_submission(assignment, student, timestamp=when)
        book.find_grade("test_two_layer_backward", "backprop", assignment, student).auto_score = auto
        if manual is not None:
            book.find_grade("written_backprop_reuse", "backprop", assignment, student).manual_score = manual
        book.db.commit()


def test_one_grade_per_student_per_lesson_and_written_answers_wait_for_the_instructor(lesson5_gradebook):
    db = lesson5_gradebook
    settings = config.CourseConfig({"05_backprop": DUE}, POLICY)
    submit(db, "ana", "05_backprop_zh", 4, DUE - timedelta(days=1))
    submit(db, "ben", "05_backprop_en", 0, DUE - timedelta(days=2))
    submit(db, "ben", "05_backprop_zh", 4, DUE + timedelta(days=1, hours=1))  # again, in Chinese, late
    with gradebook.opened(db) as book:
        book.update_or_create_student("cai")  # enrolled, submitted nothing
    rows = {g.student_id: g for g in exports.lesson_grades(exports.read_gradebook(db), settings)}
    assert sorted(rows) == ["ana", "ben", "cai"]
    assert (rows["ana"].language, rows["ana"].score, rows["ana"].max_score, rows["ana"].status) == \
        ("zh", 4, 6, "needs manual grading")
    assert (rows["ben"].language, rows["ben"].lateness.late_days, rows["ben"].final_score) == ("zh", 2, 3.2)
    assert (rows["cai"].status, rows["cai"].score, rows["cai"].max_score) == ("not submitted", 0, 6)

    with gradebook.opened(db) as book:
        book.find_grade("written_backprop_reuse", "backprop", "05_backprop_zh", "ana").manual_score = 1.5
        book.db.commit()
    graded = {g.student_id: g for g in exports.lesson_grades(exports.read_gradebook(db), settings)}["ana"]
    assert (graded.score, graded.final_score, graded.status) == (5.5, 5.5, "graded")


def test_summary_and_lms_files_have_their_columns(lesson5_gradebook, tmp_path):
    submit(lesson5_gradebook, "ana", "05_backprop_en", 4, DUE, manual=2)
    exports.write(tmp_path / "out", exports.lesson_grades(exports.read_gradebook(lesson5_gradebook),
                                                           config.CourseConfig()))
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert summary == [",".join(exports.SUMMARY_COLUMNS),
                       "ana,05_backprop,en,6,6,2026-09-14T15:59:00+00:00,0,0,6,graded"]
    lms = (tmp_path / "out" / "lms.csv").read_text(encoding="utf-8").splitlines()
    assert lms == ["Student,ID,SIS User ID,SIS Login ID,Section,05_backprop,Final Score", "ana,,ana,ana,,6,6"]


def test_a_written_answer_is_a_manually_graded_cell_with_its_rubric_in_each_language():
    lesson = Lesson(REPO / "lessons" / "05_backprop.py")
    for language, rubric in (("en", "Rubric"), ("zh", "评分标准")):
        [cell] = [c for c in render(lesson, language).cells if c.metadata.get("nbgrader", {}).get("grade")
                  and c.cell_type == "markdown"]
        assert cell.metadata["nbgrader"]["solution"] and cell.metadata["nbgrader"]["points"] == 2
        assert rubric in cell.source


def test_a_written_answer_must_carry_the_same_tags_in_every_language(tmp_path):
    path = tmp_path / "01_demo.py"
    path.write_text('# %% [markdown] lang="en" answer="why" points=2\n# Rubric\n\n'
                    '# %% [markdown] lang="zh" answer="why" points=3\n# 评分标准\n', encoding="utf-8")
    assert any("same answer=" in problem for problem in problems(Lesson(path)))


def test_stock_autograde_sees_each_released_test_cell_as_released():
    """course.stock restores hidden tests quietly only for a cell equal to the released one: every test cell
    with hidden tests, in every lesson and language, must be recognised; and it is exactly these cells whose
    checksum stock nbgrader finds changed (nbgrader#1961)."""
    import nbformat
    from nbgrader import utils

    from course.stock import released

    checked = 0
    for source_path in sorted((REPO / "source").glob("*/*.ipynb")):
        release_path = REPO / "release" / source_path.relative_to(REPO / "source")
        release = {c.metadata["nbgrader"]["grade_id"]: c for c in nbformat.read(release_path, as_version=4).cells
                   if "nbgrader" in c.metadata}
        for cell in nbformat.read(source_path, as_version=4).cells:
            if "BEGIN HIDDEN TESTS" in cell.source:
                student = release[cell.metadata["nbgrader"]["grade_id"]]
                assert released(cell.source) == student.source, source_path
                assert utils.compute_checksum(student) != utils.compute_checksum(cell)  # what stock warned about
                checked += 1
    assert checked >= 18  # every lesson, both languages


def test_one_students_folder_is_refused_with_the_command_that_grades_them(tmp_path):
    from course.grade.submissions import SubmissionsError, find_jobs

    folder = tmp_path / "submitted" / "bob" / "01_softmax_en"
    folder.mkdir(parents=True)
    shutil.copy(REPO / "release" / "01_softmax_en" / "softmax.ipynb", folder)
    with pytest.raises(SubmissionsError, match=f"python -m course grade {tmp_path / 'submitted'} --student bob"):
        find_jobs(tmp_path / "submitted" / "bob", REPO / "source", tmp_path / "unzipped")
    assert [job.student_id for job in find_jobs(tmp_path / "submitted", REPO / "source", tmp_path / "unzipped")] == ["bob"]


def test_readmes_course_file_example_is_what_the_course_reads(tmp_path):
    import re

    example = re.search(r"```toml\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    (tmp_path / "course.toml").write_text(example, encoding="utf-8")
    assert config.load(tmp_path / "course.toml") == config.CourseConfig({"01_softmax": DUE}, POLICY)
