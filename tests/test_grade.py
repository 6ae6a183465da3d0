"""``course grade`` on a class of hostile and broken submissions (``autograder/hostile``).

The whole corpus is graded once, two students at a time, with stock-free sandboxes; every row's
status and score is checked, and so are the contracts around it: the CSV's columns, the gradebook
equal to the CSV, feedback pages, ``submitted/`` untouched, no process left behind, nothing written
outside the sandbox. Smaller runs prove that one student at a time gives the same grades, that an
interrupted run resumes without losing or double-counting, and that a zip or a flat LMS folder of
notebooks is graded like ``submitted/``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from autograder import hostile
from corpus import grade, read_csv, tree_digest
from course.grade import CHECKPOINT_VARIABLE, gradebook, sandbox
from course.grade.results import COLUMNS

REPO = Path(__file__).resolve().parent.parent
SMALL = ["answer-correct", "answer-unanswered", "mistake-wrong-sum-dim0"]

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="course grade needs bubblewrap (make test installs it)")


def corpus_rows(corpus, students: list[str]) -> list[dict]:
    """The corpus run's rows for ``students``' lesson 1 notebooks."""
    return [r for r in corpus["rows"] if r["student_id"] in students and r["assignment"] == hostile.ASSIGNMENT]


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def descendants(root: int) -> dict[int, bytes]:
    """Every process below ``root`` now, with its command line (so a reused pid is not mistaken for it).

    Other grading runs on the machine (parallel test sessions) are not counted, as a global pgrep would."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = {}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = _cmdline(pid)
                frontier.append(pid)
    return {pid: cmdline for pid, cmdline in found.items() if cmdline}


def build(folder: Path, students: list[str] | None = None) -> Path:
    submitted = folder / "submitted"
    cases = [c for c in hostile.CASES if students is None or c.student in students]
    hostile.build(submitted, REPO / "release", {"repo": str(REPO), "data": str(REPO / "data"),
                                                 "submitted": str(submitted), "out": str(folder / "out")}, cases)
    return submitted


@pytest.fixture(scope="module")
def corpus(graded_corpus):
    """The session's shared corpus (tests/corpus.py, graded once in conftest.graded_corpus): the hostile
    corpus, sample answers of every exercise, and an assignment the course does not have."""
    return graded_corpus


def expected_status(case: hostile.Case) -> str:
    if case.student == "broken-fork-storm" and sandbox.process_limit() != "cgroup":
        return "timeout"  # no pids cgroup to tell a fork storm from a slow answer: the timeout stops it
    return case.expect


@pytest.mark.parametrize("case", hostile.CASES, ids=lambda case: case.student)
def test_every_case_gets_the_status_and_score_it_deserves(corpus, case):
    rows = [r for r in corpus["rows"] if r["student_id"] == case.student and r["assignment"] == hostile.ASSIGNMENT]
    assert len(rows) == 1, rows
    row = rows[0]
    assert (row["status"], float(row["score"])) == (expected_status(case), case.score), f"{case.why}: {row}"
    assert row["grade_id"] == hostile.TEST_CELL and float(row["max_score"]) == hostile.POINTS
    if row["status"] != "ok":
        assert row["message"] and "\n" not in row["message"]


def test_csv_has_exactly_the_contract_columns(corpus):
    with open(corpus["folder"] / "out" / "grades.csv", encoding="utf-8") as handle:
        assert handle.readline().strip() == ",".join(COLUMNS)


def test_an_unknown_assignment_is_an_invalid_row_and_the_rest_is_graded(corpus):
    rows = [r for r in corpus["rows"] if r["assignment"] == "99_no_such_lesson_en"]
    assert [(r["student_id"], r["status"], r["score"]) for r in rows] == [("answer-correct", "invalid", "0")]
    assert "no assignment" in rows[0]["message"]


def test_specific_messages_say_what_happened(corpus):
    by_student = {r["student_id"]: r["message"] for r in corpus["rows"] if r["assignment"] == hostile.ASSIGNMENT}
    assert "edited" in by_student["tamper-edited-test"]
    assert "deleted" in by_student["tamper-deleted-test"]
    assert "Softmax (1).ipynb" in by_student["broken-misnamed"]
    assert "not UTF-8" in by_student["broken-not-utf8"]
    assert "nbformat 3" in by_student["broken-nbformat3"]
    assert "not valid JSON" in by_student["broken-not-json"]
    assert "stopped after" in by_student["broken-infinite-loop"]
    assert "MemoryError" in by_student["broken-memory-bomb"]
    assert "uses softmax" in by_student["mistake-wrong-calls-torch-softmax"]  # found in the answer's text


def test_the_gradebook_holds_the_same_scores_as_the_csv(corpus):
    in_gradebook = gradebook.scores(corpus["folder"] / "out" / "gradebook.db")
    in_csv = {(r["student_id"], r["assignment"], r["notebook"], r["grade_id"]): float(r["score"])
              for r in corpus["rows"] if r["grade_id"]}
    assert in_gradebook == in_csv


def test_every_graded_notebook_has_escaped_feedback(corpus):
    feedback = corpus["folder"] / "out" / "feedback"
    for row in corpus["rows"]:
        if row["grade_id"]:
            page = (feedback / row["student_id"] / row["assignment"] / f"{row['notebook']}.html").read_text(encoding="utf-8")
            assert row["grade_id"] in page and f"{float(row['score']):g} / {float(row['max_score']):g}" in page
    page = (feedback / "attack-always-equal" / hostile.ASSIGNMENT / "softmax.html").read_text(encoding="utf-8")
    assert "def __eq__(self, other):" in page and "<script" not in page


def test_submissions_are_never_modified(corpus):
    assert tree_digest(corpus["submitted"]) == corpus["before"]


def sandboxed_pythons() -> list[int]:
    """This checkout's grading processes still running (zygotes and runners, whose PATH starts with this venv).

    Parallel test sessions of other checkouts run theirs with their own venv, so a global pgrep would count them."""
    ours = f"PATH={Path(sys.prefix).resolve() / 'bin'}:".encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            cmdline, environ = (proc / "cmdline").read_bytes(), (proc / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if (b"autograder.runner" in cmdline or b"zygote.py" in cmdline) and any(e.startswith(ours) for e in environ):
            found.append(int(proc.name))
    return found


def test_no_process_outlives_grading(corpus):
    left = subprocess.run(["pgrep", "-f", "sleep 4242"], capture_output=True, text=True).stdout.split()
    assert left == []
    assert sandboxed_pythons() == []


def test_nothing_is_written_outside_the_sandbox(corpus):
    for path in [REPO / "hacked.txt", REPO / "source" / "hacked.txt", corpus["submitted"] / "hacked.txt",
                 Path("/tmp/hacked.txt")]:
        assert not path.exists(), path
    assert read_csv(corpus["folder"] / "out" / "grades.csv") == corpus["rows"]


def test_one_student_at_a_time_gives_the_same_grades(corpus, tmp_path):
    submitted = build(tmp_path, SMALL)
    result = grade(submitted, tmp_path / "out", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert read_csv(tmp_path / "out" / "grades.csv") == corpus_rows(corpus, SMALL)


def test_an_interrupted_run_resumes_without_losing_or_double_counting(corpus, tmp_path):
    """Ctrl-C lands at a known point: after the first notebook is saved, while the run waits on its
    checkpoint FIFO (course.grade.CHECKPOINT_VARIABLE). No timer decides anything here."""
    submitted = build(tmp_path, SMALL)
    out = tmp_path / "out"
    fifo = tmp_path / "checkpoint"
    os.mkfifo(fifo)
    os.mkfifo(f"{fifo}.go")  # never opened by the test: the run waits there until it is interrupted
    running = grade(submitted, out, "--jobs", "1", wait=False, env={CHECKPOINT_VARIABLE: str(fifo)})
    announced: list[str] = []
    reader = threading.Thread(target=lambda: announced.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    try:
        while reader.is_alive() and running.poll() is None:
            reader.join(timeout=1)  # a bound for a run that crashed, not a measure of speed
        assert announced, f"the run ended before its first checkpoint:\n{running.communicate()[0]}"
        started = descendants(running.pid)  # the sandbox of the next notebook, if it has started
        running.send_signal(signal.SIGINT)
        output, _ = running.communicate(timeout=300)
    finally:
        if running.poll() is None:
            running.kill()
            running.communicate()
        if reader.is_alive():  # release the reader thread: a writer that closes at once
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert running.returncode == 130, output
    assert "interrupted" in output and "Run the same command again" in output
    saved = len(list((out / "results").rglob("*.json")))
    assert saved == 1 and announced[0].strip() in {f"{s}/{hostile.ASSIGNMENT}/softmax" for s in SMALL}
    assert [pid for pid, cmdline in started.items() if _cmdline(pid) == cmdline] == []  # none outlived the run

    resumed = grade(submitted, out, "--jobs", "1")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"grading {len(SMALL) - saved} notebook(s) ({len(SMALL) - saved} not graded before); " \
           f"reusing {saved} stored result(s)" in resumed.stdout
    assert read_csv(out / "grades.csv") == corpus_rows(corpus, SMALL)


def test_student_and_regrade_choose_what_is_graded_again(corpus, tmp_path):
    """--student grades only the named student again, --regrade everyone, with the same grades; an unknown
    student is refused. (A judge that changes is tests/test_term.py's; the fingerprint, test_term_parts.py's.)"""
    submitted = build(tmp_path, SMALL)
    out = tmp_path / "out"
    assert grade(submitted, out, "--jobs", "2").returncode == 0
    again = grade(submitted, out, "--student", SMALL[0])
    assert again.returncode == 0 and "grading 1 notebook(s) (1 --student); reusing 2 stored result(s)" in again.stdout
    assert "student_id" in again.stdout and "score" in again.stdout  # the summary's column headers
    everything = grade(submitted, out, "--regrade", "--jobs", "2")
    assert f"grading {len(SMALL)} notebook(s) ({len(SMALL)} --regrade)" in everything.stdout
    assert read_csv(out / "grades.csv") == corpus_rows(corpus, SMALL)
    refused = grade(submitted, out, "--student", "nobody")
    assert refused.returncode == 2 and "no submissions from nobody" in refused.stderr


def test_a_zip_and_a_flat_lms_folder_grade_like_submitted(corpus, tmp_path):
    submitted = build(tmp_path, SMALL)
    expected = corpus_rows(corpus, SMALL)
    archive = tmp_path / "submitted.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in submitted.rglob("*"):
            zipped.write(path, Path("submitted") / path.relative_to(submitted))
    assert grade(archive, tmp_path / "zip-out", "--jobs", "2").returncode == 0
    assert read_csv(tmp_path / "zip-out" / "grades.csv") == expected

    flat = tmp_path / "lms"
    flat.mkdir()
    for student in SMALL:
        shutil.copy(submitted / student / hostile.ASSIGNMENT / "softmax.ipynb", flat / f"{student}_softmax.ipynb")
    assert grade(flat, tmp_path / "flat-out", "--jobs", "2").returncode == 0
    assert read_csv(tmp_path / "flat-out" / "grades.csv") == expected


def test_without_bubblewrap_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(sandbox.SandboxUnavailable, match="apt install bubblewrap"):
        sandbox.bwrap()
