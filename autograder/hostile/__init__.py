"""A class of hostile and broken submissions, with the grade each must get from ``course grade``.

Every :class:`Case` is one student of lesson 1 (``softmax``): an attack on the grader, a broken
file, or a real mistake from the mutation corpus (``autograder/submissions/softmax``). :func:`build`
writes them in nbgrader's ``submitted/`` layout from the release notebook; ``tests/test_grade.py``
grades the lot and checks every row's status and score against :attr:`Case.expect`.
Attack answers live in ``answers/``; ``{repo}``, ``{data}``, ``{submitted}`` and ``{out}`` in them
are replaced with the real paths, so an attack aims at the files it must not reach.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ANSWERS = HERE / "answers"
SAMPLES = HERE.parent / "exercises" / "softmax" / "samples"
ASSIGNMENT, NOTEBOOK, ANSWER_CELL, TEST_CELL, POINTS = "01_softmax_en", "softmax", "softmax", "test_softmax", 3


@dataclass
class Case:
    student: str
    why: str
    expect: str  # the status of the test_softmax row (score: full points only when "ok")
    answer: str = "correct.py"  # a file in answers/, or "sample:<name>" from the mutation corpus
    first_cell: str | None = None  # a code cell put before everything else
    edit: Callable[[dict], None] | None = None  # any other change to the notebook
    raw: bytes | None = None  # the file's bytes instead of a notebook
    notebook_name: str = NOTEBOOK
    extra_files: dict[str, str] = field(default_factory=dict)
    assignment: str = ASSIGNMENT

    @property
    def score(self) -> int:
        return POINTS if self.expect == "ok" else 0


def _cell(notebook: dict, grade_id: str) -> dict:
    return next(c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def _delete(grade_id: str):
    return lambda nb: nb["cells"].remove(_cell(nb, grade_id))


def _edit_test(nb: dict) -> None:
    _cell(nb, TEST_CELL)["source"] = "pass"


def _repoint_test(nb: dict) -> None:
    _cell(nb, TEST_CELL)["metadata"]["nbgrader"]["grade_id"] = "my_own_test"


def _more_points(nb: dict) -> None:
    _cell(nb, TEST_CELL)["metadata"]["nbgrader"]["points"] = 100


def _duplicate_test(nb: dict) -> None:
    nb["cells"].append(json.loads(json.dumps(_cell(nb, TEST_CELL))))


def _nbformat3(nb: dict) -> None:
    nb["nbformat"], nb["nbformat_minor"] = 3, 0


CASES = [
    Case("answer-correct", "the reference answer", "ok"),
    Case("answer-unanswered", "the released stub, unchanged", "failed", answer="stub.py"),
    Case("attack-input-transformer", "first cell blanks later cells (input_transformers_cleanup)", "failed",
         answer="stub.py", first_cell="input_transformer_cell.py"),
    Case("attack-assert-to-pass", "first cell turns assert into pass (ast_transformers)", "failed",
         answer="stub.py", first_cell="assert_to_pass_cell.py"),
    Case("attack-run-cell", "first cell replaces get_ipython().run_cell", "failed", answer="stub.py",
         first_cell="run_cell_cell.py"),
    Case("attack-patched-comparisons", "torch.allclose, torch.testing, numpy.testing and the checks patched",
         "failed", answer="patch_comparisons.py"),
    Case("attack-always-equal", "returns an object whose __eq__ is always true (nbgrader #1379)", "failed",
         answer="always_equal.py"),
    Case("attack-tensor-subclass", "returns a tensor subclass that agrees with everything", "failed",
         answer="tensor_subclass.py"),
    Case("attack-shadow-module", "torch.py and helper.py beside the notebook", "failed", answer="stub.py",
         extra_files={"torch.py": "def softmax(x, dim=None):\n    return x\n",
                      "helper.py": "def set_language(language):\n    pass\n"}),
    Case("attack-read-course", "reads source/, the hidden tests, gradebook.db and the data from disk", "failed",
         answer="read_course_files.py"),
    Case("attack-detect-grader", "calls torch's softmax by a computed name when it detects a grader", "failed",
         answer="detect_grader.py"),
    Case("attack-forged-results", "writes its own results file and exits", "error", answer="forges_results.py"),
    Case("tamper-edited-test", "the test cell's code replaced by pass", "tampered", edit=_edit_test),
    Case("tamper-deleted-test", "the test cell deleted (nbgrader #1682)", "tampered", edit=_delete(TEST_CELL)),
    Case("tamper-repointed-test", "the test cell's grade id changed", "tampered", edit=_repoint_test),
    Case("tamper-more-points", "the test cell's points raised to 100", "tampered", edit=_more_points),
    Case("tamper-duplicated-test", "a second cell with the test's grade id", "tampered", edit=_duplicate_test),
    Case("broken-infinite-loop", "never returns", "timeout", answer="infinite_loop.py"),
    Case("broken-memory-bomb", "allocates 64 GiB", "error", answer="memory_bomb.py"),
    Case("broken-os-exit", "os._exit(0) while defining", "error", answer="exits_quietly.py"),
    Case("broken-sys-exit", "sys.exit() inside softmax", "failed", answer="sys_exit.py"),
    Case("broken-kills-kernel", "SIGKILLs its own process", "error", answer="kills_itself.py"),
    Case("broken-fork-storm", "forks without end", "error", answer="fork_storm.py"),
    Case("broken-leaves-children", "correct, but leaves `sleep 4242` running", "ok", answer="leaves_children.py"),
    Case("broken-output-flood", "writes to stderr without end", "error", answer="output_flood.py"),
    Case("broken-writes-outside", "correct, but tries to write in the course, submitted/, the output, /tmp",
         "ok", answer="writes_outside.py"),
    Case("broken-magic-and-warning", "correct, with a line magic and a warning on stderr", "ok",
         answer="magic_and_warning.py"),
    Case("broken-deleted-answer", "the answer cell deleted", "missing", edit=_delete(ANSWER_CELL)),
    Case("broken-not-json", "a text file named .ipynb", "invalid", raw=b"print('hello')\n"),
    Case("broken-not-utf8", "Latin-1 bytes", "invalid", raw='{"cells": [], "nbformat": 4, "x": "caf\u00e9"}'.encode("latin-1")),
    Case("broken-nbformat3", "an nbformat 3 notebook", "invalid", edit=_nbformat3),
    Case("broken-misnamed", "saved as 'Softmax (1).ipynb'", "missing", notebook_name="Softmax (1)"),
] + [
    Case(f"mistake-{path.stem.replace('_', '-')}", f"mutation corpus: {path.stem}",
         "ok" if path.stem.startswith("correct") else "failed", answer=f"sample:{path.name}")
    for path in sorted(SAMPLES.glob("*.py"))
]
"""Every student of the corpus; ``expect`` is the status of their one graded test cell."""


def answer_source(case: Case, paths: dict[str, str]) -> str:
    if case.answer.startswith("sample:"):
        return (SAMPLES / case.answer.removeprefix("sample:")).read_text(encoding="utf-8")
    text = (ANSWERS / case.answer).read_text(encoding="utf-8")
    for key, value in paths.items():
        text = text.replace("{" + key + "}", value)
    return text


def build(submitted: Path, release: Path, paths: dict[str, str], cases: list[Case] = CASES) -> None:
    """Write every case as ``submitted/<student>/<assignment>/<notebook>.ipynb`` (plus its extra files)."""
    template = json.loads((release / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
    for case in cases:
        folder = submitted / case.student / case.assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in case.extra_files.items():
            (folder / name).write_text(text, encoding="utf-8")
        target = folder / f"{case.notebook_name}.ipynb"
        if case.raw is not None:
            target.write_bytes(case.raw)
            continue
        notebook = json.loads(json.dumps(template))
        _cell(notebook, ANSWER_CELL)["source"] = answer_source(case, paths)
        if case.first_cell:
            source = (ANSWERS / case.first_cell).read_text(encoding="utf-8")
            notebook["cells"].insert(0, {"cell_type": "code", "execution_count": None, "id": "attack",
                                         "metadata": {}, "outputs": [], "source": source})
        if case.edit:
            case.edit(notebook)
        target.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
