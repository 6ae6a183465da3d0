"""One bilingual lesson file → one nbgrader source notebook per language.

A lesson is a jupytext "percent" file, ``lessons/NN_name.py``, written once for every language:

* a text cell is ``# %% [markdown] lang="en"``, followed by its translation ``lang="zh"``: every run
  of consecutive text cells is read as groups of one cell per language;
* a code cell is shared by all languages; a comment line tagged ``# [en] …`` or ``# [zh] …`` is
  kept only in its language's notebook (with the tag removed), so code comments get translated
  while the code itself stays identical;
* ``# %% [markdown] lang="en" answers=true`` is a text for the instructor only (the answers to the
  questions to think about): it is left out of the notebooks, so it never reaches ``release/``, and
  :func:`render_answers` gathers a lesson's answer texts into ``answers/NN_name_<lang>.md``;
* ``# %% solution="ID"`` marks an exercise cell (nbgrader "autograded answer", id ``ID``) and
  ``# %% tests="ID" points=N`` its autograder tests (read-only, worth N points);
* ``# %% [markdown] lang="en" answer="ID" points=N`` (and the same tags on its translation) is a
  written answer graded by hand (nbgrader "manually graded answer"): its text, in the instructor's
  source, is the rubric; students receive the answer stub in its place.

Everything that varies by language is text; code, cell ids and grade ids come from the same cells,
so they are identical across languages by construction. Each notebook also opens with one
generated, read-only cell that selects its language (``helper.set_language``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from helper.i18n import LANGUAGES

from .paths import LESSONS

_TAGGED_COMMENT = re.compile(r"^(?P<indent>\s*)# \[(?P<lang>[a-z]{2})\] ?(?P<text>.*)$")
_LANGUAGE_CELL = {
    "en": "# This notebook's messages and plot labels are in English.",
    "zh": "# 本笔记本的提示信息和图表标签使用简体中文。",
}
_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_GRADE_ID = "language"


class LessonError(Exception):
    """A lesson file that cannot be built; the message lists every problem with its cell."""


@dataclass(frozen=True)
class Lesson:
    """A lesson file and the names derived from it."""

    path: Path

    @property
    def name(self) -> str:
        """``01_softmax`` for ``lessons/01_softmax.py``."""
        return self.path.stem

    @property
    def notebook_name(self) -> str:
        """``softmax.ipynb``: the file name students see, without the ordering number."""
        return re.sub(r"^\d+_", "", self.name) + ".ipynb"

    def assignment(self, language: str) -> str:
        """The nbgrader assignment id of one language: ``01_softmax_zh``."""
        return f"{self.name}_{language}"

    def read(self) -> nbformat.NotebookNode:
        """The lesson as jupytext reads it, without blank cells (stray blank lines make those)."""
        notebook = jupytext.read(self.path)
        notebook.cells = [cell for cell in notebook.cells if cell.source.strip()]
        return notebook


def all_lessons(folder: Path = LESSONS) -> list[Lesson]:
    """Every lesson, in teaching order (the ``NN_`` prefix)."""
    return [Lesson(path) for path in sorted(folder.glob("[0-9][0-9]_*.py"))]


def problems(lesson: Lesson) -> list[str]:
    """What keeps ``lesson`` from building: missing translations, bad tags, duplicate grade ids."""
    notebook = lesson.read()
    found = []
    where = lambda index, cell: f"{lesson.path.name}, cell {index + 1} ({_preview(cell)})"  # noqa: E731
    for group in _translation_groups(notebook.cells):
        languages = [notebook.cells[i].metadata.get("lang") for i in group]
        if sorted(languages, key=str) != sorted(LANGUAGES):
            first = notebook.cells[group[0]]
            found.append(f"{where(group[0], first)}: text cells here have languages {languages}, expected "
                         f"one cell in each of {list(LANGUAGES)} (is a translation missing?)")
    for group in _translation_groups(notebook.cells):
        kinds = {is_answer(notebook.cells[i]) for i in group}
        if len(kinds) > 1:
            found.append(f"{where(group[0], notebook.cells[group[0]])}: answers=true is on some languages of "
                         "this text only")
    grade_ids = []
    for group in _translation_groups(notebook.cells):
        tags = {(notebook.cells[i].metadata.get("answer"), notebook.cells[i].metadata.get("points")) for i in group}
        answer, points = next(iter(tags))
        if len(tags) > 1:
            found.append(f"{where(group[0], notebook.cells[group[0]])}: a written answer needs the same answer=\"ID\" "
                         f"points=N on every language's cell; found {sorted(tags, key=str)}")
        elif answer is not None:
            grade_ids.append(answer)
            if not re.fullmatch(r"[A-Za-z0-9_-]+", str(answer)) or not _positive_number(points):
                found.append(f"{where(group[0], notebook.cells[group[0]])}: a written answer needs answer=\"ID\" "
                             "(letters, digits, - and _) and points=N with N > 0")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        tags = [m.group("lang") for m in map(_TAGGED_COMMENT.match, cell.source.splitlines()) if m]
        counts = {language: tags.count(language) for language in LANGUAGES}
        if len(set(counts.values())) > 1 or set(tags) - set(LANGUAGES):
            found.append(f"{where(index, cell)}: translated comments are unpaired: {counts}")
        grade_id = cell.metadata.get("solution") or cell.metadata.get("tests")
        if grade_id:
            grade_ids.append(grade_id)
            if not re.fullmatch(r"[A-Za-z0-9_-]+", grade_id):
                found.append(f"{where(index, cell)}: grade id {grade_id!r} may hold only letters, digits, - and _")
        if "tests" in cell.metadata and not _positive_number(cell.metadata.get("points")):
            found.append(f"{where(index, cell)}: a tests cell needs points=N with N > 0")
    duplicates = sorted({g for g in grade_ids if grade_ids.count(g) > 1} | ({LANGUAGE_GRADE_ID} & set(grade_ids)))
    if duplicates:
        found.append(f"{lesson.path.name}: grade ids used twice or reserved: {duplicates}")
    return found


def render(lesson: Lesson, language: str) -> nbformat.NotebookNode:
    """The nbgrader source notebook of ``lesson`` in ``language``."""
    found = problems(lesson)
    if found:
        raise LessonError("\n".join(found))
    cells = [_language_cell(language)]
    code_count = text_count = 0
    for cell in lesson.read().cells:
        if cell.cell_type == "markdown":
            if cell.metadata["lang"] == language and not is_answer(cell):
                text_count += 1
                text = nbformat.v4.new_markdown_cell(cell.source, id=f"text-{text_count}")
                if "answer" in cell.metadata:  # a written answer, graded by hand; its text is the rubric
                    text.metadata["nbgrader"] = _nbgrader(cell.metadata["answer"], solution=True, grade=True,
                                                          points=cell.metadata["points"])
                cells.append(text)
        elif cell.cell_type == "code":
            code_count += 1
            cells.append(_code_cell(cell, language, id=f"code-{code_count}"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": dict(_KERNELSPEC),
        "language_info": {"name": "python"},
        "course": {"lesson": lesson.name, "language": language},
    }
    return notebook


def is_answer(cell) -> bool:
    """Whether a text cell holds answers for the instructor (``answers=true``), kept out of notebooks."""
    return cell.cell_type == "markdown" and cell.metadata.get("answers") is True


def render_answers(lesson: Lesson, language: str) -> str:
    """The instructor's answers of ``lesson`` in ``language``: its ``answers=true`` texts, in order."""
    texts = [cell.source.strip() for cell in lesson.read().cells
             if is_answer(cell) and cell.metadata.get("lang") == language]
    return "\n\n".join(texts) + "\n" if texts else ""


def to_text(notebook: nbformat.NotebookNode) -> str:
    """The exact bytes written for a notebook, so that builds are byte-for-byte reproducible."""
    return nbformat.writes(notebook) + "\n"


def strip_translated_comments(source: str, language: str) -> str:
    """Keep ``# [language]`` comment lines (untagged), drop the other languages' tagged lines."""
    kept = []
    for line in source.splitlines():
        match = _TAGGED_COMMENT.match(line)
        if match is None:
            kept.append(line)
        elif match.group("lang") == language:
            kept.append(f"{match.group('indent')}# {match.group('text')}".rstrip())
    return "\n".join(kept)


def _code_cell(cell, language: str, id: str) -> nbformat.NotebookNode:
    code = nbformat.v4.new_code_cell(strip_translated_comments(cell.source, language), id=id)
    if "solution" in cell.metadata:
        code.metadata["nbgrader"] = _nbgrader(cell.metadata["solution"], solution=True)
    elif "tests" in cell.metadata:
        code.metadata["nbgrader"] = _nbgrader(cell.metadata["tests"], grade=True, locked=True,
                                              points=cell.metadata["points"])
    return code


def _language_cell(language: str) -> nbformat.NotebookNode:
    source = f'{_LANGUAGE_CELL[language]}\nimport helper\n\nhelper.set_language("{language}")'
    cell = nbformat.v4.new_code_cell(source, id=LANGUAGE_GRADE_ID)
    cell.metadata["nbgrader"] = _nbgrader(LANGUAGE_GRADE_ID, locked=True)
    return cell


def _nbgrader(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    metadata = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                "solution": solution, "task": False}
    if points is not None:
        metadata["points"] = points
    return metadata


def _translation_groups(cells) -> list[list[int]]:
    """Indices of text cells, grouped as one text and its translations.

    A run of consecutive text cells is read in groups of ``len(LANGUAGES)``: each group must hold
    every language once, so ``en A, zh A, en B, zh B`` is two texts and ``en A, en B`` is an error.
    """
    runs, current = [], []
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown":
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    size = len(LANGUAGES)
    return [run[start:start + size] for run in runs for start in range(0, len(run), size)]


def _positive_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def _preview(cell) -> str:
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    return repr(first[:40])
