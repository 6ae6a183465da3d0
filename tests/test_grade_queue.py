"""``course grade --queue`` on real Celery workers and Redis, and the gradebook on a real PostgreSQL.

Each test starts and stops its own servers (tests/servers.py) on 127.0.0.1 and waits on events
(pings, FIFOs), never on timers. The one large run grades the session's shared corpus
(tests/corpus.py) through the queue with two workers and compares it with the local grading of it;
the others use one to four notebooks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import threading
from pathlib import Path

import pytest

import corpus
import servers
from autograder import hostile
from course.grade import CHECKPOINT_VARIABLE, gradebook
from course.grade.notebook import MAX_NOTEBOOK_BYTES
from course.grade.queue import CHECKPOINT_VARIABLE as WORKER_CHECKPOINT
from course.grade.queue import MAX_TASK_BYTES, budget
from course.grade.results import course_version

pytestmark = [
    pytest.mark.queue,
    pytest.mark.skipif(shutil.which("bwrap") is None, reason="course grade needs bubblewrap (make test installs it)"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="the queue tests need redis-server (make test installs it)"),
]
SMALL = ["answer-correct", "answer-unanswered", "mistake-wrong-sum-dim0"]


@pytest.fixture
def redis(tmp_path):
    with servers.redis_server(tmp_path / "redis") as server:
        yield server


def rows_of(graded_corpus, students: list[str]) -> list[dict]:
    return [r for r in graded_corpus["rows"] if r["student_id"] in students and r["assignment"] == hostile.ASSIGNMENT]


MEASURED = {"fashion_classifier.projected"}
"""Messages that state what was measured during the run (how long a batch took): the same grade, not the same text."""


def without_measures(rows: list[dict], out: Path) -> list[dict]:
    """grades.csv's rows, the numbers masked in the messages that state a measurement (found by the message
    id that ``out/results`` stores with each row)."""
    measured = {(r["student_id"], r["assignment"], r["notebook"], r["grade_id"])
                for path in (out / "results").rglob("*.json")
                for r in json.loads(path.read_text(encoding="utf-8"))["rows"] if r.get("reason") in MEASURED}
    return [{**r, "message": re.sub(r"\d+(\.\d+)?", "#", r["message"])}
            if (r["student_id"], r["assignment"], r["notebook"], r["grade_id"]) in measured else r for r in rows]


def test_the_queue_grades_the_corpus_exactly_as_local_grading(graded_corpus, tmp_path, redis):
    out = tmp_path / "out"
    with servers.workers(redis.url, 2):
        result = corpus.grade(graded_corpus["submitted"], out, "--queue", redis.url)
    assert result.returncode == 0, result.stdout + result.stderr
    local = graded_corpus["folder"] / "out"
    assert without_measures(corpus.read_csv(out / "grades.csv"), out) == without_measures(graded_corpus["rows"], local)
    assert corpus.read_csv(out / "summary.csv") == corpus.read_csv(local / "summary.csv")
    assert corpus.read_csv(out / "lms.csv") == corpus.read_csv(local / "lms.csv")
    assert gradebook.scores(out / "gradebook.db") == gradebook.scores(local / "gradebook.db")
    assert result.stdout.split("student_id", 1)[1].split("wrote")[0] == \
        graded_corpus["result"].stdout.split("student_id", 1)[1].split("wrote")[0]  # the same per-student summary
    assert (out / "report.html").is_file()
    print(f"\ncorpus of {len({r['student_id'] for r in graded_corpus['rows']})} students: local --jobs 2 "
          f"{graded_corpus['seconds']:.0f} s")


def test_a_worker_killed_mid_task_is_replaced_by_the_other_and_nothing_is_counted_twice(graded_corpus, tmp_path, redis):
    """The first worker announces the task on a FIFO and blocks; it is SIGKILLed there (whole process group).
    Redis delivers the unacknowledged task again after the visibility timeout, to the second worker."""
    submitted = corpus.build(tmp_path, 0, ["answer-correct"])
    fifo = tmp_path / "started"
    os.mkfifo(fifo)
    os.mkfifo(f"{fifo}.go")  # never opened by the test: the first worker waits there until it is killed
    timeout = 10
    visibility = str(int(budget(timeout, 1)) + 5)
    first = servers.Worker(redis.url, "--visibility-timeout", visibility, env={WORKER_CHECKPOINT: str(fifo)})
    second = None
    announced: list[str] = []
    reader = threading.Thread(target=lambda: announced.append(fifo.read_text(encoding="utf-8")), daemon=True)
    try:
        first.wait_ready()
        reader.start()
        running = corpus.grade(submitted, tmp_path / "out", "--queue", redis.url, "--timeout", str(timeout), wait=False)
        while reader.is_alive() and running.poll() is None:
            reader.join(timeout=1)  # a bound for a run that crashed, not a measure of speed
        assert announced == [f"answer-correct/{hostile.ASSIGNMENT}/softmax\n"], running.communicate()[0]
        second = servers.Worker(redis.url, "--visibility-timeout", visibility).wait_ready()
        first.kill()
        output, _ = running.communicate(timeout=300)
    finally:
        if reader.is_alive():
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        first.stop()
        if second is not None:
            second.stop()
    assert running.returncode == 0, output
    assert corpus.read_csv(tmp_path / "out" / "grades.csv") == rows_of(graded_corpus, ["answer-correct"])
    assert len(list((tmp_path / "out" / "results").rglob("*.json"))) == 1


def test_a_task_whose_worker_dies_three_times_is_an_error_row_not_a_lost_student(tmp_path, redis):
    """The pool process grading the notebook is SIGKILLed each time it announces the task; Celery delivers it
    again at once (reject_on_worker_lost). After the third death the task ends as an error row with the
    reason, and the run ends (no hang, no lost student)."""
    submitted = corpus.build(tmp_path, 0, ["answer-correct"])
    fifo = tmp_path / "started"
    os.mkfifo(fifo)
    os.mkfifo(f"{fifo}.go")  # never opened: every attempt waits there until it is killed
    announced: list[str] = []

    def kill_each_attempt() -> None:
        while True:
            line = fifo.read_text(encoding="utf-8")
            if not line:
                return
            announced.append(line)
            for pid in servers.children(worker.process.pid):  # the pool process grading it (concurrency 1)
                os.kill(pid, signal.SIGKILL)

    with servers.workers(redis.url, 1, env={WORKER_CHECKPOINT: str(fifo)}) as [worker]:
        killer = threading.Thread(target=kill_each_attempt, daemon=True)
        killer.start()
        result = corpus.grade(submitted, tmp_path / "out", "--queue", redis.url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(announced) == 3, announced
    [row] = corpus.read_csv(tmp_path / "out" / "grades.csv")
    assert (row["student_id"], row["status"], row["score"]) == ("answer-correct", "error", "0")
    assert "3 times" in row["message"]
    assert not (tmp_path / "out" / "results").exists() or not list((tmp_path / "out" / "results").rglob("*.json"))
    if killer.is_alive():
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def grade_pausing(submitted: Path, out: Path, url: str, pauses: int, at_pause, env: dict | None = None):
    """``course grade --queue`` that stops after each of its first ``pauses`` saved notebooks (its checkpoint
    FIFO) while ``at_pause(n)`` runs, then goes on: (exit code, output, what it announced). Every later saved
    notebook is let through at once: a grader that saves more than expected fails the test's assertions instead
    of waiting forever on its FIFO."""
    fifo = out.parent / "checkpoint"
    os.mkfifo(fifo)
    os.mkfifo(f"{fifo}.go")
    announced: list[str] = []

    def serve() -> None:
        while line := fifo.read_text(encoding="utf-8"):  # "" once the test lets go of the FIFO
            announced.append(line)
            if len(announced) <= pauses:
                at_pause(len(announced))
            with open(f"{fifo}.go", "w", encoding="utf-8"):
                pass

    running = corpus.grade(submitted, out, "--queue", url, wait=False, env={CHECKPOINT_VARIABLE: str(fifo), **(env or {})})
    threading.Thread(target=serve, daemon=True).start()
    try:
        output, _ = running.communicate(timeout=600)
    finally:
        if running.poll() is None:
            running.kill()
            running.communicate()
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # ends serve() if it waits for an announcement
        except OSError:
            pass
    return running.returncode, output, announced


def test_a_redis_restart_during_a_run_loses_nothing(graded_corpus, tmp_path, redis):
    """Redis (no persistence) is restarted, empty, once the first notebook is saved; the grader notices the new
    server, sends the unfinished notebooks again under the same ids, and finishes with the same grades."""
    submitted = corpus.build(tmp_path, 0, SMALL)
    out = tmp_path / "out"
    with servers.workers(redis.url, 1):
        code, output, announced = grade_pausing(submitted, out, redis.url, len(SMALL),
                                                lambda n: redis.restart() if n == 1 else None)
    assert code == 0, output
    assert "restarted" in output and len(announced) == len(SMALL)
    assert corpus.read_csv(out / "grades.csv") == rows_of(graded_corpus, SMALL)


def test_redis_away_longer_than_the_grader_waits_stops_the_run_and_the_same_command_resumes(graded_corpus, tmp_path,
                                                                                            redis):
    """Redis is stopped once the first notebook is saved and stays away past the grader's patience
    (COURSE_QUEUE_RECONNECT, 60 s by default, 2 s here): exit 75, the saved result counted, nothing lost.
    Redis back (empty), the same command grades only the other notebooks, to the same grades.
    The worker is held before its second notebook (its checkpoint FIFO is read once), so exactly one result
    exists when Redis goes: without the hold, a second result could come in the grader's same poll."""
    submitted = corpus.build(tmp_path, 0, SMALL)
    out = tmp_path / "out"
    started = tmp_path / "started"
    os.mkfifo(started)
    os.mkfifo(f"{started}.go")

    def let_the_first_notebook_through() -> None:
        started.read_text(encoding="utf-8")
        with open(f"{started}.go", "w", encoding="utf-8"):
            pass  # the second notebook's announcement is never read: the worker waits there until killed

    with servers.workers(redis.url, 1, env={WORKER_CHECKPOINT: str(started)}) as [worker]:
        threading.Thread(target=let_the_first_notebook_through, daemon=True).start()
        code, output, announced = grade_pausing(submitted, out, redis.url, 1, lambda n: redis.stop(),
                                                env={"COURSE_QUEUE_RECONNECT": "2"})
        worker.kill()
    assert code == 75, output
    assert len(announced) == 1, announced
    assert "stopped answering for 2 s" in output and "1 notebook result(s) are saved" in output, output
    assert "Run the same command again when the queue answers" in output
    assert len(list((out / "results").rglob("*.json"))) == 1
    redis.start()
    with servers.workers(redis.url, 1):
        again = corpus.grade(submitted, out, "--queue", redis.url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "reusing 1 stored result(s)" in again.stdout, again.stdout
    assert corpus.read_csv(out / "grades.csv") == rows_of(graded_corpus, SMALL)


@pytest.mark.skipif(not servers.have_postgres(), reason="needs PostgreSQL (initdb, pg_ctl; make test installs it)")
def test_two_runs_at_once_on_one_postgresql_gradebook_lose_nothing(graded_corpus, tmp_path):
    """Two assignments of the same students graded at once into one PostgreSQL gradebook: every score is there,
    none is overwritten by the other run, and a manual score given before survives the re-grade."""
    students = ["answer-correct", "mistake-wrong-sum-dim0"]
    softmax = corpus.build(tmp_path / "a", 0, students)
    minibatches = corpus.build(tmp_path / "b", 0, [], picked=[
        (students[0], "num_iterations", "correct_divmod", "en"),
        (students[1], "num_iterations", "wrong_floor_division", "en")])
    with servers.postgres_server() as url:
        first = corpus.grade(softmax, tmp_path / "a-out", gradebook=url)
        assert first.returncode == 0, first.stdout + first.stderr
        with gradebook.opened(url) as book:
            book.find_grade(hostile.TEST_CELL, hostile.NOTEBOOK, hostile.ASSIGNMENT, students[0]).manual_score = 2.5
            book.db.commit()
        runs = [corpus.grade(softmax, tmp_path / "a-out", "--regrade", wait=False, gradebook=url),
                corpus.grade(minibatches, tmp_path / "b-out", wait=False, gradebook=url)]
        outputs = [run.communicate(timeout=900)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        in_csv = {(r["student_id"], r["assignment"], r["notebook"], r["grade_id"]): float(r["score"])
                  for out in ("a-out", "b-out") for r in corpus.read_csv(tmp_path / out / "grades.csv")}
        assert gradebook.scores(url) == in_csv
        assert len(in_csv) == sum(len(corpus.read_csv(tmp_path / out / "grades.csv")) for out in ("a-out", "b-out"))
        with gradebook.opened(url) as book:
            assert book.find_grade(hostile.TEST_CELL, hostile.NOTEBOOK, hostile.ASSIGNMENT, students[0]).manual_score == 2.5
        from course import exports

        _, _, submissions = exports.read_gradebook(url)
        assert {(s.student_id, s.assignment) for s in submissions} == {
            (student, assignment) for student in students for assignment in (hostile.ASSIGNMENT, "08_minibatches_en")}
        assert [s.score for s in submissions if (s.student_id, s.assignment) == (students[0], hostile.ASSIGNMENT)] == [2.5]


def test_queue_errors_are_clear_and_lose_nothing(graded_corpus, tmp_path, redis):
    """Broker down: a clear error before anything starts. A notebook over the size limit: the invalid row local
    grading gives it, never sent. A worker of another course version: an error row naming both versions, not
    saved, so the same command grades it once a right worker runs."""
    assert MAX_TASK_BYTES == MAX_NOTEBOOK_BYTES
    submitted = corpus.build(tmp_path, 0, ["answer-correct"])
    big = submitted / "big-notebook" / hostile.ASSIGNMENT / f"{hostile.NOTEBOOK}.ipynb"
    big.parent.mkdir(parents=True)
    text = (submitted / "answer-correct" / hostile.ASSIGNMENT / f"{hostile.NOTEBOOK}.ipynb").read_text(encoding="utf-8")
    big.write_text(text[:-1] + ', "padding": "' + "x" * (MAX_TASK_BYTES + 1) + '"}', encoding="utf-8")
    out = tmp_path / "out"

    down = corpus.grade(submitted, out, "--queue", f"redis://127.0.0.1:{servers.free_port()}/0")
    assert down.returncode == 1 and "does not answer" in down.stderr and "start Redis" in down.stderr, down.stderr
    assert not (out / "results").exists()

    with servers.workers(redis.url, 1, version="0.0.0-other"):
        refused = corpus.grade(submitted, out, "--queue", redis.url)
    assert refused.returncode == 0, refused.stdout + refused.stderr
    rows = {r["student_id"]: r for r in corpus.read_csv(out / "grades.csv")}
    assert (rows["big-notebook"]["status"], rows["big-notebook"]["score"]) == ("invalid", "0")
    assert f"larger than {MAX_TASK_BYTES // 2**20} MiB" in rows["big-notebook"]["message"]
    assert rows["answer-correct"]["status"] == "error"
    assert "0.0.0-other" in rows["answer-correct"]["message"] and course_version() in rows["answer-correct"]["message"]
    assert "graded again" in refused.stderr or "grades them again" in refused.stderr

    with servers.workers(redis.url, 1):
        again = corpus.grade(submitted, out, "--queue", redis.url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "grading 1 notebook(s) (1 not graded before); reusing 1 stored result(s)" in again.stdout
    rows = {r["student_id"]: r for r in corpus.read_csv(out / "grades.csv")}
    assert [rows["answer-correct"]] == rows_of(graded_corpus, ["answer-correct"])
    assert rows["big-notebook"]["status"] == "invalid"


def test_without_queue_nothing_of_the_queue_is_imported():
    import subprocess
    import sys

    code = ("import sys; from course.__main__ import parser; parser().parse_args(['grade', 'x']); "
            "import course.grade; print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('celery', 'kombu', 'redis', 'psycopg')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(corpus.REPO), capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
