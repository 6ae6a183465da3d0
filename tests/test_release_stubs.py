"""Every release notebook's exercise, unanswered, fails its visible check in the notebook's language.

The cells come from the committed release notebook itself: its language cell, the stub nbgrader
left in the answer cell, and the visible part of the test cell (the hidden part is gone).
"""

import nbformat
import pytest

from autograder.exercise import exercise as exercise_facts
from autograder.exercise import names
from course.lessons import LANGUAGE_GRADE_ID, Lesson
from course.paths import LESSONS, RELEASE
from autograder.verdict import CheckFailed
from helper.i18n import LANGUAGES, set_language

NOT_IMPLEMENTED = {"en": "is not implemented yet", "zh": "还没有实现"}
EXERCISES = names()


def cells_by_grade_id(path) -> dict:
    notebook = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in notebook.cells if "nbgrader" in c.metadata}


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", EXERCISES)
def test_unanswered_exercise_fails_its_check(name, language):
    exercise = exercise_facts(name)
    lesson = Lesson(LESSONS / f"{exercise.lesson}.py")
    cells = cells_by_grade_id(RELEASE / lesson.assignment(language) / lesson.notebook_name)
    stub, visible = cells[exercise.answer_cell], cells[f"test_{exercise.answer_cell}"]
    assert "raise NotImplementedError()" in stub and "BEGIN SOLUTION" not in stub
    assert "hidden_tests" not in visible

    namespace = {}
    for source in (cells[LANGUAGE_GRADE_ID], exercise.context, stub):
        exec(compile(source, "<release notebook>", "exec"), namespace)
    with pytest.raises(CheckFailed, match=NOT_IMPLEMENTED[language]):
        exec(compile(visible, "<visible check>", "exec"), namespace)
