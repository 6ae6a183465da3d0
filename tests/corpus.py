"""The grading corpus the tests share: the whole hostile corpus plus :data:`CORPUS_SIZE` sample answers.

Samples come from ``autograder/exercises/*/samples`` (right and wrong answers), each put into its lesson's
released notebook as one student's submission (half of them in the Chinese notebook), taken round-robin over
the exercises so a small corpus touches every exercise; ``fashion_classifier``'s samples, which train a
model for up to its CPU budget, come last. ``conftest.graded_corpus`` grades it ONCE per session, locally
with ``--jobs 2``; tests/test_grade.py checks its rows and tests/test_grade_queue.py grades it again through
the queue and compares. ``CORPUS_SIZE = None`` takes every sample (the issue's full corpus, ~170 more notebooks:
minutes per run on two cores); ``COURSE_TEST_CORPUS_SIZE`` overrides it (a number, or ``all``), and
``COURSE_TEST_CORPUS_LANGUAGES=both`` grades every sample in both languages.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from autograder import hostile
from autograder.exercise import EXERCISES, exercise

REPO = Path(__file__).resolve().parent.parent
CORPUS_SIZE: int | None = 12
"""Sample notebooks added to the hostile corpus (None: all of them)."""
TIMEOUT = 45
EXPENSIVE = ("fashion_classifier",)  # grading trains a model: last in the round-robin


def corpus_size() -> int | None:
    configured = os.environ.get("COURSE_TEST_CORPUS_SIZE")
    if configured:
        return None if configured == "all" else int(configured)
    return CORPUS_SIZE


def both_languages() -> bool:
    """``COURSE_TEST_CORPUS_LANGUAGES=both``: every sample in the English AND the Chinese notebook."""
    return os.environ.get("COURSE_TEST_CORPUS_LANGUAGES") == "both"


def samples(size: int | None = None) -> list[tuple[str, str, str, str]]:
    """(student id, exercise, sample stem, language) for the first ``size`` samples, round-robin; each in
    one language, alternately, or (:func:`both_languages`) in both, as two students."""
    size = corpus_size() if size is None else size
    names = sorted((p.parent.name for p in EXERCISES.glob("*/samples")), key=lambda n: (n in EXPENSIVE, n))
    stems = {name: sorted(p.stem for p in (EXERCISES / name / "samples").glob("*.py")) for name in names}
    picked, round_ = [], 0
    while any(round_ < len(s) for s in stems.values()):
        for name in names:
            if round_ < len(stems[name]):
                student = f"{name}-{stems[name][round_]}".replace("_", "-")
                if both_languages():
                    picked += [(f"{student}-{language}", name, stems[name][round_], language) for language in ("en", "zh")]
                else:
                    picked.append((student, name, stems[name][round_], ("en", "zh")[len(picked) % 2]))
        round_ += 1
    return picked if size is None else picked[:size]


def build(folder: Path, size: int | None = None, hostile_students: list[str] | None = None,
          picked: list[tuple[str, str, str, str]] | None = None) -> Path:
    """``folder/submitted``: the hostile corpus (or only ``hostile_students``) and ``size`` samples (or the
    samples ``picked``, as (student, exercise, stem, language))."""
    submitted = folder / "submitted"
    cases = [c for c in hostile.CASES if hostile_students is None or c.student in hostile_students]
    hostile.build(submitted, REPO / "release", {"repo": str(REPO), "data": str(REPO / "data"),
                                                 "submitted": str(submitted), "out": str(folder / "out")}, cases)
    for student, name, stem, language in samples(size) if picked is None else picked:
        facts = exercise(name)
        assignment = f"{facts.lesson}_{language}"
        [release] = sorted((REPO / "release" / assignment).glob("*.ipynb"))
        notebook = json.loads(release.read_text(encoding="utf-8"))
        [cell] = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == facts.answer_cell]
        cell["source"] = (EXERCISES / name / "samples" / f"{stem}.py").read_text(encoding="utf-8")
        target = submitted / student / assignment / release.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    return submitted


def grade(submitted: Path, out: Path, *args: str, wait: bool = True, env: dict | None = None,
          gradebook: str | None = None):
    """``python -m course grade`` as an instructor runs it (no venv on PATH), output in ``out``."""
    command = [sys.executable, "-m", "course", "grade", str(submitted), "--out", str(out),
               "--gradebook", gradebook or str(out / "gradebook.db"), "--feedback", str(out / "released-feedback"),
               "--timeout", str(TIMEOUT), *args]
    env = {**os.environ, "PATH": "/usr/bin:/bin", **(env or {})}
    if not wait:
        return subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                preexec_fn=_interruptible)
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=1800)


def _interruptible() -> None:
    """Ctrl-C as at a terminal: a suite started in the background (``pytest &``) ignores SIGINT, and its
    children would inherit that, so a test's SIGINT would never reach the grader."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
