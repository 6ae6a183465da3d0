"""Stock nbgrader on this course directory: release, validate, autograde, in both languages.

Runs in a scratch copy of the course (config + source notebooks), so the repo's own gradebook is
never touched. The submissions are the release notebook with the answer cell filled in from the
sample answers in ``autograder/submissions/softmax``. Every sample answer is also run directly
against the checks in ``test_exercise_softmax.py`` (fast); here, end to end, one of each kind.
"""

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbgrader.api import Gradebook

from conftest import run_nbgrader, scratch_course, submission, with_answer

pytestmark = pytest.mark.slow

NOTEBOOK = "softmax.ipynb"
FULL_MARKS = 3
STUDENTS = {  # student id: (language, sample answer or None for the untouched stub, expected score)
    "alice": ("en", "correct_max_shift", FULL_MARKS),
    "bo": ("zh", "correct_max_shift", FULL_MARKS),
    "dana": ("en", "wrong_sum_dim0", 0),
    "emil": ("zh", "wrong_unstable_exp", 0),
    "gus": ("en", "wrong_hard_coded", 0),
    "hana": ("zh", None, 0),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, data_root):
    """Release both languages, submit every student's notebook, autograde: the course directory."""
    course = scratch_course(tmp_path_factory.mktemp("course"))
    for language in ("en", "zh"):
        result = run_nbgrader(course, "generate_assignment", f"01_softmax_{language}", "--force")
        assert result.returncode == 0, result.stderr
    for student, (language, answer, _) in STUDENTS.items():
        assignment = f"01_softmax_{language}"
        released = nbformat.read(course / "release" / assignment / NOTEBOOK, as_version=4)
        notebook = with_answer(released, "softmax", submission("softmax", answer)) if answer else released
        target = course / "submitted" / student / assignment / NOTEBOOK
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
    for language in ("en", "zh"):
        result = run_nbgrader(course, "autograde", f"01_softmax_{language}", "--force")
        assert result.returncode == 0, result.stderr
    return course


@pytest.mark.parametrize("student", sorted(STUDENTS))
def test_autograde_gives_full_marks_to_right_answers_and_zero_to_wrong_ones(graded, student):
    language, answer, expected = STUDENTS[student]
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gradebook:
        submitted = gradebook.find_submission(f"01_softmax_{language}", student)
        assert submitted.max_score == FULL_MARKS
        assert submitted.score == expected, f"{student} ({answer}, {language})"


def test_same_answer_same_grade_in_either_language(graded):
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gradebook:
        english = gradebook.find_submission("01_softmax_en", "alice").score
        chinese = gradebook.find_submission("01_softmax_zh", "bo").score
    assert english == chinese == FULL_MARKS


def test_validate_passes_the_solution_and_fails_the_stub(graded):
    solution = run_nbgrader(graded, "validate", f"source/01_softmax_en/{NOTEBOOK}")
    assert "Success! Your notebook passes all the tests." in solution.stdout, solution.stdout + solution.stderr
    stub = run_nbgrader(graded, "validate", f"release/01_softmax_en/{NOTEBOOK}")
    assert "VALIDATION FAILED" in stub.stdout and "NotImplementedError" not in stub.stdout.split('check("softmax"')[0]


@pytest.mark.parametrize("language, feedback", [
    ("en", "softmax is not implemented yet"),
    ("zh", "softmax 还没有实现"),
])
def test_release_stub_fails_its_check_with_feedback_in_the_notebook_language(graded, language, feedback):
    path = graded / "release" / f"01_softmax_{language}" / NOTEBOOK
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(path.parent)}})
    with pytest.raises(CellExecutionError) as failure:
        client.execute()
    assert "CheckFailed" in str(failure.value) and feedback in str(failure.value)
    failed_cell = next(c for c in notebook.cells if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    assert failed_cell.metadata["nbgrader"]["grade_id"] == "test_softmax"
