"""``python -m course check``: the committed course is consistent, and drift or leaks are caught."""

import json
import shutil

import nbformat
import pytest

from course.check import check_course
from course.paths import REPO

from conftest import scratch_course

pytestmark = pytest.mark.slow


def test_committed_course_is_consistent():
    """source/ is what lessons/ builds to, release/ what nbgrader makes of it, with nothing leaked."""
    assert check_course(REPO) == []


def test_stale_source_and_a_leaked_solution_are_reported(tmp_path):
    course = scratch_course(tmp_path, "lessons", "release")
    lesson = course / "lessons" / "01_softmax.py"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("# # Lesson 1 ·", "# # Lesson One ·"), encoding="utf-8")
    released = course / "release" / "01_softmax_zh" / "softmax.ipynb"
    notebook = json.loads(released.read_text(encoding="utf-8"))
    answer = next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "softmax")
    answer["source"] = ["def softmax(x):\n", "    shifted = x - x.max(dim=1, keepdim=True).values\n"]
    released.write_text(json.dumps(notebook), encoding="utf-8")

    found = check_course(course, only={"01_softmax"})
    assert any("source/01_softmax_en/softmax.ipynb is out of date" in p for p in found), found
    assert any("release/01_softmax_zh/softmax.ipynb differs from what nbgrader generates" in p for p in found)
    assert any("cell 'softmax' shows the hidden line 'shifted = x - x.max(dim=1, keepdim=True).values'" in p for p in found)


def test_missing_translation_stops_the_check_with_the_cell_named(tmp_path):
    course = scratch_course(tmp_path, "lessons")
    lesson = course / "lessons" / "01_softmax.py"
    text = lesson.read_text(encoding="utf-8")
    start = text.index('# %% [markdown] lang="zh"\n# ## 2.')
    lesson.write_text(text[:start] + text[text.index("# %%", start + 4):], encoding="utf-8")
    [problem] = check_course(course, only={"01_softmax"})
    assert "01_softmax.py" in problem and "## 2. Flatten" in problem and "translation missing" in problem


def test_missing_answers_and_answers_shown_in_a_notebook_are_reported(tmp_path):
    course = scratch_course(tmp_path, "lessons", "release")  # no answers/
    released = course / "release" / "01_softmax_en" / "softmax.ipynb"
    notebook = nbformat.read(released, as_version=4)
    answers = (REPO / "answers" / "01_softmax_en.md").read_text(encoding="utf-8")
    notebook.cells.append(nbformat.v4.new_markdown_cell(answers))
    nbformat.write(notebook, released)

    found = check_course(course, only={"01_softmax"})
    assert any("answers/01_softmax_zh.md is missing or out of date" in p for p in found), found
    assert any("release/01_softmax_en/softmax.ipynb shows the instructor's answers" in p for p in found), found
