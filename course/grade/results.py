"""Grades on disk: one result file per graded notebook, and ``grades.csv`` made from all of them.

A notebook's rows are written to ``OUT/results/<student>/<assignment>/<notebook>.json`` in one
atomic step when it is done, with the *key* it was graded under: the SHA-256 of the submitted file,
the fingerprint of the grading code and data of every exercise in it (:func:`grading_fingerprint`)
and the course version. A stored result is reused only when all three are unchanged, so fixing a
judge re-grades exactly the notebooks that judge grades, and an interrupted run (Ctrl-C, killed)
resumes without losing or counting anything twice. ``grades.csv`` is rewritten (atomically) from
the result files after every notebook.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from autograder.exercise import course_seed
from autograder.exercise import exercise as exercise_facts

from ..paths import REPO

COLUMNS = ["student_id", "assignment", "notebook", "grade_id", "score", "max_score", "status", "message"]
STATUSES = ("ok", "failed", "error", "timeout", "missing", "tampered", "invalid")
FORMAT = 2

EXERCISE_FILES = ("autograder/exercises/{exercise}",)
"""The files that judge one exercise: its folder (facts, cases, probe, judge, reference, messages,
public values), less its samples and tests."""

SHARED_FILES = ("autograder/__init__.py", "autograder/wire.py", "autograder/exercises/__init__.py",
                "autograder/runner.py", "autograder/probing.py", "autograder/judging.py", "autograder/verdict.py",
                "autograder/exercise.py", "autograder/checking.py", "autograder/simulated_device.py",
                "autograder/text_check.py", "helper/i18n.py", "helper/messages.en.toml", "helper/messages.zh.toml",
                "course/grade/messages.en.toml", "course/grade/messages.zh.toml", "course/grade/judge.py",
                "course/grade/grader.py", "course/grade/notebook.py", "course/grade/sandbox.py",
                "course/grade/reaper.py", "course/grade/zygote.py")
"""Files every exercise is judged with; the modules each exercise file imports from the course are added to these."""

FOLLOWED_PACKAGES = ("autograder", "helper")
"""Imports followed into these packages; the grader's own modules count only as listed in SHARED_FILES."""



@dataclass
class Row:
    student_id: str
    assignment: str
    notebook: str
    grade_id: str
    score: float
    max_score: float
    status: str
    message: str
    reason: str = ""
    """The message id behind ``message`` (``softmax.not_normalised``, ``grade_timeout``): the class report
    counts mistakes by it. Not a column of ``grades.csv``."""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


def fingerprint(path: Path | None) -> str:
    """SHA-256 of the submitted file ("" when there is none): a changed submission is graded again."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.is_file() else ""


def course_version() -> str:
    """The course's version (pyproject.toml): a new release of the course re-grades everything."""
    import tomllib

    try:
        return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, ValueError):
        return "unknown"


@lru_cache(maxsize=None)
def grading_fingerprint(exercise: str, root: Path = REPO) -> str:
    """SHA-256 of everything that judges ``exercise``: its files, the shared grading modules, the
    course modules they import, and the data its grading reads.

    The one place that decides when a stored result is out of date because the grader changed.
    Files are found from :data:`EXERCISE_FILES` (a folder counts with every file in it) and
    :data:`SHARED_FILES`, then every ``import`` of theirs that resolves to a file of the course is
    followed, so a helper module a judge starts using counts without editing this list. Data files
    count by name, size and modification time (hashing the data sets each run would cost seconds).
    """
    roots = [root / pattern.format(exercise=exercise) for pattern in EXERCISE_FILES]
    roots += [root / name for name in SHARED_FILES]
    digest = hashlib.sha256(f"seed:{course_seed()}\0".encode())  # the hidden inputs are drawn from it
    for path in sorted(_closure(tuple(roots), root)):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    for name in exercise_facts(exercise).data:
        for path in sorted((_data_root() / name).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(_data_root())}:{stat.st_size}:{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _closure(roots: tuple[Path, ...], root: Path) -> set[Path]:
    """Every file among ``roots`` (folders expanded, samples and tests aside) and the course files they import."""
    found: set[Path] = set()
    todo = [p for r in roots for p in (_judging_files(r) if r.is_dir() else [r]) if p.is_file()]
    while todo:
        path = todo.pop()
        if path in found:
            continue
        found.add(path)
        todo += [p for p in _imports(path, root) if p not in found]
    return found


def _judging_files(folder: Path) -> list[Path]:
    """The files of an exercise's folder that take part in judging: not its samples, tests or caches."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and "samples" not in p.relative_to(folder).parts
                  and "__pycache__" not in p.parts and not p.name.startswith("test_"))


def _imports(path: Path, root: Path) -> list[Path]:
    """The files of the course that ``path`` imports (absolute and relative imports)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return []
    package = path.parent.relative_to(root).parts
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name.split(".") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = base + (node.module.split(".") if node.module else [])
            names.append(module)
            names += [module + [alias.name] for alias in node.names]
    files = []
    for parts in names:
        if not parts or parts[0] not in FOLLOWED_PACKAGES:
            continue
        for candidate in (root.joinpath(*parts).with_suffix(".py"), root.joinpath(*parts) / "__init__.py"):
            if candidate.is_file():
                files.append(candidate)
    return files


def _data_root() -> Path:
    from helper.data import configured_data_root

    return configured_data_root()


@dataclass(frozen=True)
class Key:
    """What a result was graded under; a result is reused only when every part is the same."""

    sha256: str
    grading: str
    version: str

    def differences(self, other: "Key") -> list[str]:
        """Why ``other`` (a stored key) is out of date, in words: empty when it is current."""
        reasons = {"sha256": "submission changed", "grading": "grading code or data changed",
                   "version": "course version changed"}
        return [reason for field, reason in reasons.items() if getattr(self, field) != getattr(other, field)]


def key_for(path: Path | None, exercises: list[str], version: str) -> Key:
    grading = hashlib.sha256("\0".join(grading_fingerprint(e) for e in sorted(set(exercises))).encode()).hexdigest()
    return Key(fingerprint(path), grading, version)


def result_path(out: Path, student: str, assignment: str, notebook: str) -> Path:
    return out / "results" / student / (assignment or "_unknown") / f"{notebook or '_assignment'}.json"


def load_result(path: Path) -> tuple[Key, list[Row]] | None:
    """The key and rows saved for a notebook, or None when there are none (or only an older format)."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("format") != FORMAT:
            return None
        return Key(**saved["key"]), [Row(**row) for row in saved["rows"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_result(path: Path, key: Key, rows: list[Row]) -> None:
    _atomic_write(path, json.dumps({"format": FORMAT, "key": asdict(key), "rows": [asdict(r) for r in rows]},
                                   ensure_ascii=False, indent=1))


def write_csv(path: Path, rows: list[Row]) -> None:
    """``grades.csv`` with exactly :data:`COLUMNS`, one row per graded test cell."""
    ordered = sorted(rows, key=lambda r: (r.student_id, r.assignment, r.notebook))
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in ordered:
            writer.writerow([row.student_id, row.assignment, row.notebook, row.grade_id, _number(row.score),
                             _number(row.max_score), row.status, row.message])
    os.replace(temporary, path)


def _number(value: float) -> str:
    return f"{value:g}"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
