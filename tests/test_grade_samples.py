"""``course grade`` on the exercises' own samples: right answers get every point, wrong ones their pinned message.

The samples (``autograder/exercises/*/samples``) are graded as students' notebooks in the session's
shared corpus (tests/corpus.py, conftest.graded_corpus): each in its lesson's English or Chinese
notebook, so that both languages' sentences come out of the sandbox. A wrong sample's row must say
the catalogue sentence its ``# expect:`` line pins, in the notebook's language; the same samples are
held to their pins in-process by tests/test_exercises.py.
"""

from __future__ import annotations

import re
import string

import pytest

import corpus
from autograder.exercise import EXERCISES, exercise
from autograder.text_check import answer_problem
from course.grade.grader import lesson_cells
from helper.i18n import MESSAGES

SAMPLES = corpus.samples()
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def pinned(name: str, stem: str) -> str | None:
    """The message id a wrong sample's ``# expect:`` line pins (None for a right one)."""
    found = re.search(r"^# expect: (\S+)", (EXERCISES / name / "samples" / f"{stem}.py").read_text(encoding="utf-8"),
                      flags=re.M)
    return found.group(1) if found else None


def says(message: str, template: str) -> bool:
    """Whether ``message`` is ``template`` filled in: its fixed pieces, in order (a message cut at 300
    characters, ending in "…", needs the pieces before the cut, and the start of the piece it cuts)."""
    cut = message.endswith("…")
    body = " ".join(message.removesuffix("…").split())
    pieces = [literal.strip() for literal, *_ in string.Formatter().parse(" ".join(template.split())) if literal.strip()]
    position = 0
    for piece in pieces:
        found = body.find(piece, position)
        if found < 0:
            rest = body[position:]
            return cut and any(piece.startswith(rest[start:].lstrip()) and len(rest) - start >= min(len(piece), 10)
                               for start in range(len(rest)))
        position = found + len(piece)
    return True


def test_a_cut_message_matches_its_template_up_to_the_cut_and_no_further():
    template = "A {x} is not a tensor, and Python answered with a bool. Take the indices: `argmax`."
    assert says("A pair is not a tensor, and Python answered wi…", template)  # cut inside the second piece
    assert says("A pair is not a tensor, and Python answered with a bool. Take the indices: `argmax`.", template)
    assert not says("A pair is not a tensor, and Python shouted wi…", template)
    assert not says("A pair is a tensor…", template)
    assert not says("A pair is not a tensor, and Python answered with a bool.", template)  # not cut: all of it
    assert says('Save: `save({"model": m}, path)`, then…', 'Save: `save({{"model": {name}}}, path)`, then load it.')


def template(name: str, message_id: str, language: str) -> str:
    texts = MESSAGES.get(f"{name}.{message_id}") or MESSAGES[message_id]
    return texts[language]


def test_the_corpus_has_samples_of_every_exercise_in_both_languages():
    assert {language for *_, language in SAMPLES} == {"en", "zh"}
    if corpus.corpus_size() is None:
        assert {name for _, name, _, _ in SAMPLES} == {p.parent.name for p in EXERCISES.glob("*/exercise.toml")}


@pytest.mark.parametrize("student, name, stem, language", SAMPLES, ids=[s[0] + "-" + s[3] for s in SAMPLES])
def test_each_sample_gets_its_grade_and_pinned_message(graded_corpus, student, name, stem, language):
    assignment = f"{exercise(name).lesson}_{language}"
    rows = [r for r in graded_corpus["rows"] if r["student_id"] == student and r["assignment"] == assignment]
    assert rows, f"no row for {student}"
    tests_of_this_exercise = {cell.grade_id for cell in lesson_cells(assignment, rows[0]["notebook"]) if cell.exercise == name}
    mine = [r for r in rows if r["grade_id"] in tests_of_this_exercise]
    assert mine, f"no row of {name}'s tests for {student}: {rows}"
    source = (EXERCISES / name / "samples" / f"{stem}.py").read_text(encoding="utf-8")
    refused = answer_problem(source, exercise(name).forbidden_names)
    # A forbidden spelling is refused from the answer's text before it runs, with the text check's sentence.
    expected = refused[0] if refused and pinned(name, stem) else pinned(name, stem)
    for row in mine:
        if expected is None:
            assert (row["status"], row["score"]) == ("ok", row["max_score"]), row
            continue
        assert row["status"] in ("failed", "error") and float(row["score"]) == 0, row
        assert says(row["message"], template(name, expected, language)), \
            f"{stem} should say {expected!r} in {language}: {row['message']}"
        if language == "zh":
            assert CHINESE.search(row["message"]), row["message"]
