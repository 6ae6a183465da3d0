"""Shared fixtures: the offline data mirror, prepared data, scratch course directories, stock nbgrader."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import torch

from course.build import nbgrader_environment
from course.data import MIRROR_VARIABLE, prepare
from course.paths import REPO
from helper.data import configured_data_root
from helper.i18n import set_language

DEVICES = [
    "cpu",
    pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU on this machine")),
]


GRADED_CORPUS_FILES = ("test_grade.py", "test_grade_samples.py", "test_grade_report.py", "test_grade_queue.py")
"""The test files that use the session's graded corpus (:func:`graded_corpus`): one unit of work for xdist."""


def unit_of_work(nodeid: str) -> str:
    """What one xdist worker runs as a whole, when ``make test`` runs the suite on both cores: a file (a
    notebook's cells run in order in one kernel; a module's tests share its module-scoped term, hub or
    Lab), and the files that share the graded corpus together, so it is graded once, not once per worker."""
    path = nodeid.split("::", 1)[0]
    return "graded corpus" if Path(path).name in GRADED_CORPUS_FILES else path


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByUnitOfWork(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of_work(nodeid)

    return ByUnitOfWork(config, log)


def pytest_collection_modifyitems(config, items):
    """The graded corpus's tests first (the longest unit of work starts first), and none elsewhere."""
    def uses_the_corpus(item) -> bool:
        info = getattr(item, "_fixtureinfo", None)
        return info is not None and "graded_corpus" in info.name2fixturedefs

    strays = [item.nodeid for item in items if uses_the_corpus(item) and item.path.name not in GRADED_CORPUS_FILES]
    if strays:
        raise pytest.UsageError(f"add their files to GRADED_CORPUS_FILES in tests/conftest.py: {strays}")
    items.sort(key=lambda item: unit_of_work(item.nodeid) != "graded corpus")  # stable: the rest keep their order


def mirror_path() -> Path:
    """The offline mirror the tests use: ``$COURSE_DATA_MIRROR``, else ``../shared/data`` beside the repo."""
    configured = os.environ.get(MIRROR_VARIABLE)
    return Path(configured) if configured else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def mirror() -> Path:
    path = mirror_path()
    if not (path / "SHA256SUMS").is_file():
        pytest.fail(f"the tests need the offline data mirror: set {MIRROR_VARIABLE} (looked in {path})")
    return path


@pytest.fixture(scope="session")
def data_root(mirror) -> Path:
    """The course's data folder, prepared (and verified) from the mirror once per session."""
    root = configured_data_root()
    prepare(root, mirror, log=lambda line: None)
    return root


def scratch_course(folder: Path, *extra: str) -> Path:
    """A scratch nbgrader course directory in ``folder``: the repo's config, ``source/`` and ``extra`` folders.

    Grading tests work there, never in the repo, so they cannot touch an instructor's gradebook.
    """
    shutil.copy(REPO / "nbgrader_config.py", folder)
    for name in ("source", *extra):
        shutil.copytree(REPO / name, folder / name)
    return folder


def run_nbgrader(course_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """Stock ``nbgrader`` with the given arguments, run in ``course_dir``."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir,
                          env=nbgrader_environment(), capture_output=True, text=True, timeout=600)


def samples_folder(exercise: str) -> Path:
    """Where the sample answers of ``exercise`` are: its folder's ``samples/``."""
    return REPO / "autograder" / "exercises" / exercise / "samples"


def submission(exercise: str, name: str) -> str:
    """The answer-cell source of one sample submission."""
    return (samples_folder(exercise) / f"{name}.py").read_text(encoding="utf-8")


def submissions(exercise: str, prefix: str) -> list[str]:
    """Names of the sample submissions of ``exercise`` starting with ``correct_`` or ``wrong_``."""
    return sorted(p.stem for p in samples_folder(exercise).glob(f"{prefix}*.py"))


def with_answer(notebook: nbformat.NotebookNode, grade_id: str, source: str) -> nbformat.NotebookNode:
    """A copy of ``notebook`` with the answer cell ``grade_id`` replaced by ``source``."""
    answered = nbformat.from_dict(notebook)
    cells = [c for c in answered.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    assert len(cells) == 1, f"no single answer cell {grade_id!r}"
    cells[0].source = source
    return answered


def solution_source(assignment: str, notebook: str, grade_id: str) -> str:
    """The instructor's solution cell, as written in the source notebook."""
    return _cell_source(REPO / "source" / assignment / notebook, grade_id)


def released_source(assignment: str, notebook: str, grade_id: str) -> str:
    """An answer cell exactly as students receive it (nbgrader's stub in place of the solution)."""
    return _cell_source(REPO / "release" / assignment / notebook, grade_id)


def _cell_source(path: Path, grade_id: str) -> str:
    nb = nbformat.read(path, as_version=4)
    [cell] = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return cell.source


@pytest.fixture
def english():
    """English feedback before and after the test, for tests that switch the notebook language midway."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def autograd_back_on():
    """Autograd on after the test, for tests of answers that may switch it off for good."""
    yield
    torch.set_grad_enabled(True)


@pytest.fixture(scope="session")
def graded_corpus(tmp_path_factory):
    """The shared corpus (tests/corpus.py: hostile cases + samples, and an assignment the course lacks),
    graded ONCE per session locally with ``--jobs 2``; its folder, submitted/, digest before, result and rows."""
    import time

    import corpus

    if shutil.which("bwrap") is None:
        pytest.skip("course grade needs bubblewrap (make test installs it)")
    folder = tmp_path_factory.mktemp("corpus")
    submitted = corpus.build(folder)
    (submitted / "answer-correct" / "99_no_such_lesson_en").mkdir()
    before = corpus.tree_digest(submitted)
    started = time.perf_counter()
    result = corpus.grade(submitted, folder / "out", "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return {"folder": folder, "submitted": submitted, "before": before, "result": result,
            "seconds": time.perf_counter() - started, "rows": corpus.read_csv(folder / "out" / "grades.csv")}
