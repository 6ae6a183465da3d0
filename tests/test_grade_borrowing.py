"""Nothing gradeable in a student's reach: an answer that borrows from what the course ships gets nothing.

The grading sandbox imports the probes and ``helper`` only: the references, judges and cases stay
in the grader's process. Each exercise is graded here with an answer that imports its reference
(what a student who read the course's source would try first); the import fails in the sandbox
and the answer gets no points. A static look at the sandbox's files backs it up.
"""

from __future__ import annotations

import shutil

import pytest

from autograder.exercise import EXERCISES, exercise
from course.grade import sandbox
from course.grade.judge import Limits, grade_answer
from course.paths import REPO
from helper.data import configured_data_root

PACKAGED = sorted(p.parent.name for p in EXERCISES.glob("*/exercise.toml"))
GRADER_ONLY = ("reference.py", "judge.py", "cases.py", "samples", "public.json", "checking.py", "judging.py")


def borrowing_answer(name: str) -> str:
    ex = exercise(name)
    lines = [f"from autograder.exercises.{name}.reference import expected"]
    lines += [f"{defined} = expected" for defined in ex.defines]
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="course grade needs bubblewrap (make test installs it)")
@pytest.mark.parametrize("name", PACKAGED)
def test_an_answer_that_borrows_the_reference_gets_nothing(name, tmp_path, monkeypatch):
    # The text check may refuse the import already (its path can name a forbidden function), and can
    # only make grading stricter: without it, the sandbox itself has no reference to import.
    monkeypatch.setattr("course.grade.judge.answer_problem", lambda answer, forbidden: None)
    verdict = grade_answer(name, borrowing_answer(name), "en", tmp_path / "job", [REPO, configured_data_root()],
                           Limits(timeout=120, memory_bytes=8 * 2**30, threads=1))
    assert verdict.status == "error", verdict
    assert "ModuleNotFoundError" in verdict.message and "reference" in verdict.message, verdict.message


def test_the_sandbox_holds_no_reference_judge_or_sample():
    shipped = [path.relative_to(REPO) for path in sandbox.runtime_files()]
    exercise_files = [p for p in shipped if p.parts[:2] == ("autograder", "exercises") and len(p.parts) > 3]
    assert exercise_files, "the probes are in the sandbox"
    assert {p.name for p in exercise_files} <= {"__init__.py", "probe.py", "exercise.toml",
                                                "messages.en.toml", "messages.zh.toml"}
    assert not [p for p in shipped if p.name in GRADER_ONLY or "samples" in p.parts]
    assert not [p for p in shipped if p.parts[:2] == ("helper", "checks")]


def first_sample(name: str, prefix: str) -> str:
    """The first right sample, or the first mistake that only running it shows (not its text)."""
    from autograder.text_check import answer_problem

    def shown_by_running(text: str) -> bool:
        return answer_problem(text, exercise(name).forbidden_names) is None

    return sorted(p.stem for p in (EXERCISES / name / "samples").glob(f"{prefix}*.py")
                  if prefix == "correct_" or shown_by_running(p.read_text(encoding="utf-8")))[0]


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="course grade needs bubblewrap (make test installs it)")
@pytest.mark.parametrize("name", PACKAGED)
def test_course_grade_judges_the_samples_as_the_notebook_does(name, tmp_path):
    """Graded in the sandbox (on the devices the grading machine has): a right sample gets full marks, and a
    wrong one gets, in Chinese, exactly the sentence the hidden tests give it in the student's kernel."""
    from autograder.checking import hidden_tests
    from autograder.testing import define, sample_source
    from autograder.verdict import CheckFailed
    from helper.i18n import speaking

    limits = Limits(timeout=300, memory_bytes=8 * 2**30, threads=1)
    right = grade_answer(name, sample_source(name, first_sample(name, "correct_")), "en", tmp_path / "right",
                         [REPO, configured_data_root()], limits)
    assert right.status == "ok", right
    wrong_source = sample_source(name, first_sample(name, "wrong_"))
    wrong = grade_answer(name, wrong_source, "zh", tmp_path / "wrong", [REPO, configured_data_root()], limits)
    with speaking("zh"), pytest.raises(CheckFailed) as in_kernel:
        hidden_tests(name, *define(name, wrong_source))
    assert (wrong.status, wrong.message) == ("failed", str(in_kernel.value)), wrong
