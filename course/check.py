"""``python -m course check``: is the course consistent? Prints every problem; exit 1 if any.

* every lesson builds: each text has its translations, translated comments are paired;
* ``source/`` is exactly what ``lessons/`` builds to, and ``release/`` exactly what stock
  ``nbgrader generate_assignment`` makes of ``source/`` (regenerated in a scratch copy);
* no release notebook holds a solution or a hidden test;
* ``answers/`` holds exactly each lesson's instructor answers, and no source or release notebook shows them;
* across languages, code cells (comments aside), cell ids and nbgrader metadata are identical;
* each exercise's stored public expected values are what its reference gives.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import nbformat

from helper.i18n import LANGUAGES

from .build import answers_path, generate_assignment
from .lessons import LANGUAGE_GRADE_ID, Lesson, all_lessons, problems, render, render_answers, to_text
from .paths import REPO

_LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "hidden_tests")
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def register(subparsers) -> None:
    parser = subparsers.add_parser("check", help="check that lessons, source/ and release/ agree",
                                   description=__doc__.split("\n\n")[0])
    parser.set_defaults(run=main)


def main(args) -> int:
    found = check_course(REPO)
    for problem in found:
        print(f"problem: {problem}")
    print("course check: " + (f"{len(found)} problem(s)" if found else "all good"))
    return 1 if found else 0


def check_course(course_root: Path, only: set[str] | None = None) -> list[str]:
    """Every problem of the course at ``course_root`` (or of the lessons named in ``only``, e.g. ``{"01_softmax"}``)."""
    lessons = [lesson for lesson in all_lessons(course_root / "lessons") if only is None or lesson.name in only]
    found = [problem for lesson in lessons for problem in problems(lesson)]
    if found:
        return found  # nothing else can be judged until every lesson builds
    found += source_problems(lessons, course_root)
    found += release_problems(lessons, course_root)
    for lesson in lessons:
        found += parity_problems(lesson, course_root)
    if only is None:
        found += public_data_problems()
    return found


def public_data_problems() -> list[str]:
    """Exercises whose ``public.*`` (the visible check's expected values) the reference no longer gives."""
    from autograder.checking import public_expected_is_current
    from autograder.exercise import exercise, names

    return [f"autograder/exercises/{name}/public.*: stale, run `python -m course build`"
            for name in names() if exercise(name).public_cases() and not public_expected_is_current(exercise(name))]


def source_problems(lessons: list[Lesson], course_root: Path) -> list[str]:
    """Source notebooks that differ from what their lesson builds to."""
    found = []
    for lesson in lessons:
        for language in LANGUAGES:
            path = course_root / "source" / lesson.assignment(language) / lesson.notebook_name
            if not path.is_file():
                found.append(f"{_relative(path, course_root)} is missing: run `python -m course build`")
            elif path.read_text(encoding="utf-8") != to_text(render(lesson, language)):
                found.append(f"{_relative(path, course_root)} is out of date with lessons/{lesson.path.name}: "
                             "run `python -m course build` (edit the lesson, never the generated notebook)")
            answers, expected = answers_path(lesson, language, course_root), render_answers(lesson, language)
            if expected and (not answers.is_file() or answers.read_text(encoding="utf-8") != expected):
                found.append(f"{_relative(answers, course_root)} is missing or out of date with "
                             f"lessons/{lesson.path.name}: run `python -m course build`")
            for folder in ("source", "release"):
                notebook = course_root / folder / lesson.assignment(language) / lesson.notebook_name
                if expected and notebook.is_file() and _shows_answers(expected, notebook.read_text(encoding="utf-8")):
                    found.append(f"{_relative(notebook, course_root)} shows the instructor's answers")
    return found


def release_problems(lessons: list[Lesson], course_root: Path) -> list[str]:
    """Release notebooks that are stale, missing, or leak what the source hides."""
    found = []
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        shutil.copy(course_root / "nbgrader_config.py", scratch)
        shutil.copytree(course_root / "source", scratch / "source")
        for lesson in lessons:
            for language in LANGUAGES:
                assignment = lesson.assignment(language)
                generate_assignment(assignment, scratch)
                relative = Path("release") / assignment / lesson.notebook_name
                committed = course_root / relative
                if not committed.is_file():
                    found.append(f"{relative} is missing: run `python -m course build`")
                    continue
                if committed.read_text(encoding="utf-8") != (scratch / relative).read_text(encoding="utf-8"):
                    found.append(f"{relative} differs from what nbgrader generates: run `python -m course build`")
                source = nbformat.read(course_root / "source" / assignment / lesson.notebook_name, as_version=4)
                found += [f"{relative}: {leak}" for leak in leaks(source, nbformat.read(committed, as_version=4))]
    return found


def leaks(source: nbformat.NotebookNode, release: nbformat.NotebookNode) -> list[str]:
    """Solutions or hidden tests of ``source`` that are still in ``release``.

    nbgrader's markers may appear nowhere; the code between them may not appear in the released
    cell of the same grade id (the lesson's own text and demos may use the same lines).
    """
    released = "\n".join(cell.source for cell in release.cells)
    found = [f"contains {marker!r}" for marker in _LEAK_MARKERS if marker in released]
    released_cells = {_grade_id(cell): cell.source for cell in release.cells if _grade_id(cell)}
    for cell in source.cells:
        target = released_cells.get(_grade_id(cell), "") if _grade_id(cell) else ""
        for block in _SOLUTION.findall(cell.source) + _HIDDEN.findall(cell.source):
            for line in block.splitlines():
                code = line.strip()
                if re.search(r"\w", code) and not code.startswith("#") and code in target:
                    found.append(f"cell {_grade_id(cell)!r} shows the hidden line {code!r}")
    return found


def _shows_answers(answers: str, notebook_text: str) -> bool:
    """Whether a long line of the answers (not a heading) appears in a cell of the notebook."""
    lines = [line.strip() for line in answers.splitlines() if len(line.strip()) > 30 and not line.startswith("#")]
    sources = [cell.source for cell in nbformat.reads(notebook_text, as_version=4).cells]
    return any(line in source for line in lines for source in sources)


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def parity_problems(lesson: Lesson, course_root: Path) -> list[str]:
    """Differences in code or grading between the languages of one lesson (there should be none)."""
    found = []
    reference_language, *others = LANGUAGES
    reference = _graded_skeleton(render(lesson, reference_language))
    for language in others:
        if _graded_skeleton(render(lesson, language)) != reference:
            found.append(f"{lesson.name}: code or grading differs between {reference_language} and {language}")
    return found


def _graded_skeleton(notebook: nbformat.NotebookNode) -> list[tuple]:
    """Cell ids, nbgrader metadata and code without comments: what must not vary by language."""
    skeleton = []
    for cell in notebook.cells:
        if cell.get("id") == LANGUAGE_GRADE_ID:
            continue
        code = None
        if cell.cell_type == "code":
            code = [line for line in cell.source.splitlines() if not line.strip().startswith("#")
                    or line.strip().startswith("###")]
        skeleton.append((cell.get("id"), cell.cell_type, cell.metadata.get("nbgrader"), code))
    return skeleton


def _relative(path: Path, root: Path) -> str:
    return str(path.relative_to(root))
