"""``python -m course bench --grading``: how fast ``course grade`` grades, locally and on the task queue.

On this machine it grades the same class of lesson-1 notebooks (the softmax samples, right and wrong,
one per student, cycled) locally with one process, then through Redis with 1, 2 and 4 workers, and
reports notebooks per minute. It splits one notebook's cost into the sandbox's start (an empty Python
in the sandbox), the probe (the rest of the sandboxed run), the judge and the grader's own steps, by
timing around those calls in this process (nothing in the sandbox or the judge is changed for it). The
queue's own overhead per task is measured with notebooks that need no sandbox (not JSON: graded in
microseconds), so what is left is sending, delivering, acknowledging and storing. The figures and a
projection for a large class go to BENCHMARKS.md (their own section; the others are kept).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .benchmarks import write_section
from .paths import REPO

SECTION = "## Grading on a task queue"
WORKER_COUNTS = (1, 2, 4)
ASSIGNMENT, NOTEBOOK, ANSWER_CELL = "01_softmax_en", "softmax", "softmax"
CLASS = (500, 18)
"""The projection's class: students × notebooks each."""


def build(folder: Path, students: int, broken: bool = False) -> Path:
    """``folder/submitted`` with ``students`` lesson-1 notebooks (or files that are not JSON, for ``broken``)."""
    samples = sorted((REPO / "autograder" / "exercises" / "softmax" / "samples").glob("*.py"))
    release = json.loads((REPO / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
    submitted = folder / "submitted"
    for index in range(students):
        target = submitted / f"b{index:04d}" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if broken:
            target.write_text("not a notebook", encoding="utf-8")
            continue
        notebook = json.loads(json.dumps(release))
        for cell in notebook["cells"]:
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == ANSWER_CELL:
                cell["source"] = samples[index % len(samples)].read_text(encoding="utf-8")
        target.write_text(json.dumps(notebook, ensure_ascii=False), encoding="utf-8")
    return submitted


def grade_seconds(submitted: Path, out: Path, db: Path, queue: str | None = None, jobs: int = 1) -> float:
    """Seconds ``course grade``'s grading step takes for every notebook of ``submitted`` (planning, exports and
    the one-time registration of the assignment in the gradebook left out: the same for both ways)."""
    from . import grade as course_grade
    from .grade.judge import Limits
    from .grade.submissions import find_jobs
    from .paths import SOURCE

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-bench-") as scratch:
        scratch = Path(scratch)
        jobs_found = find_jobs(submitted, SOURCE, scratch / "unzipped")
        plan = course_grade.plan_jobs(jobs_found, out, set(), True)
        limits = Limits(300, 8 * 2**30, max(1, (os.cpu_count() or 1) // jobs))
        hidden = [REPO, submitted, out, db.parent, course_grade._data_root()]
        place = course_grade.Place(out, db, out / "released", [REPO, out, db.parent, submitted])
        started = time.perf_counter()
        course_grade.grade_all(plan, place, limits, hidden, scratch, jobs, queue)
        return time.perf_counter() - started


def split(submitted: Path, db_folder: Path, count: int = 4) -> dict:
    """Seconds in: the zygote's start (once per grading thread: bubblewrap, Python, torch and the probes
    imported), and per notebook once it runs: the sandboxed run (a fork of the zygote running the probe on
    the hidden cases), the judge, preparing the cases, the grader's own steps."""
    from .grade import _data_root, judge, sandbox
    from .grade.grader import grade
    from .grade.judge import Limits
    from .grade.submissions import Job

    timed = {"run": 0.0, "judge": 0.0, "answer": 0.0}
    real_run, real_judge, real_answer = sandbox.run, judge._judge, judge.grade_answer

    def around(name, function):
        def timed_call(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timed[name] += time.perf_counter() - started
        return timed_call

    limits = Limits(300, 8 * 2**30, os.cpu_count() or 1)
    hidden = [REPO, submitted, db_folder, _data_root()]
    paths = sorted(submitted.rglob("*.ipynb"))[:count]
    job = lambda path: Job(path.parent.parent.name, ASSIGNMENT, NOTEBOOK, path)  # noqa: E731
    with tempfile.TemporaryDirectory(prefix="course-bench-split-") as work:
        work = Path(work)
        grade(job(paths[0]), hidden, limits, work)  # the grader's own imports, once
        sandbox.kill_all()
        started = time.perf_counter()
        grade(job(paths[0]), hidden, limits, work)  # with a zygote to start
        cold = time.perf_counter() - started
        sandbox.run, judge._judge, judge.grade_answer = around("run", real_run), around("judge", real_judge), \
            around("answer", real_answer)
        import course.grade.grader as grader_module

        grader_module.grade_answer = judge.grade_answer
        try:
            started = time.perf_counter()
            for path in paths:  # the zygote started: what every further notebook costs
                grade(job(path), hidden, limits, work)
            total = (time.perf_counter() - started) / len(paths)
        finally:
            sandbox.run, judge._judge, judge.grade_answer = real_run, real_judge, real_answer
            grader_module.grade_answer = real_answer
    run, judged, answer = (timed[k] / len(paths) for k in ("run", "judge", "answer"))
    return {"total": total, "zygote_start": max(0.0, cold - total), "probe": run,
            "judge": judged, "prepare": max(0.0, answer - run - judged), "grader": max(0.0, total - answer)}


@contextmanager
def redis_server(url: str | None):
    """``url``, or a private redis-server on a free port for the run."""
    if url:
        yield url
        return
    if shutil.which("redis-server") is None:
        raise SystemExit("error: bench --grading needs redis-server (apt install redis-server) or --queue URL")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = tempfile.mkdtemp(prefix="course-bench-redis-")
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        from .grade.queue import QueueUnavailable, ping

        deadline = time.monotonic() + 30
        while True:
            try:
                ping(url, timeout=1)
                break
            except QueueUnavailable:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        process.kill()
        process.wait()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def workers(url: str, count: int):
    """``count`` workers (one notebook at a time each, the cores shared out), ready: each answered a ping."""
    from .grade.queue import app_for

    threads = max(1, (os.cpu_count() or 1) // count)
    started = [subprocess.Popen([sys.executable, "-m", "course", "worker", "--queue", url, "--threads", str(threads)],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
               for _ in range(count)]
    names = {f"course-{p.pid}@{socket.gethostname()}" for p in started}
    app = app_for(url)
    try:
        deadline = time.monotonic() + 120
        answered: set[str] = set()
        while not names <= answered:
            answered |= {name for reply in app.control.ping(list(names - answered), timeout=0.5) for name in reply}
            if time.monotonic() > deadline or any(p.poll() is not None for p in started):
                raise SystemExit("error: the benchmark's workers did not start")
        yield
    finally:
        app.close()
        for process in started:
            try:
                os.killpg(process.pid, 15)
                process.wait(timeout=60)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, 9)


def run(students: int, queue: str | None, log=print) -> dict:
    from .grade import gradebook
    from .grade.sandbox import bwrap

    bwrap()
    figures = {"students": students, "cores": os.cpu_count(), "workers": {}}
    with tempfile.TemporaryDirectory(prefix="course-bench-grading-") as folder:
        folder = Path(folder)
        submitted = build(folder / "class", students)
        broken = build(folder / "broken", students, broken=True)
        db = folder / "gradebook.db"
        gradebook.register(db, ASSIGNMENT, NOTEBOOK)  # once, before any timing
        log("timing one notebook's parts ...")
        figures["split"] = split(submitted, folder)
        log(f"grading {students} notebooks locally, one at a time ...")
        figures["local"] = grade_seconds(submitted, folder / "local", db)
        with redis_server(queue) as url:
            for count in WORKER_COUNTS:
                log(f"grading {students} notebooks on the queue with {count} worker(s) ...")
                with workers(url, count):
                    figures["workers"][count] = grade_seconds(submitted, folder / f"queue-{count}", db, url)
            log(f"sending {students} notebooks that need no sandbox through the queue (its own overhead) ...")
            with workers(url, 1):
                figures["overhead_total"] = grade_seconds(broken, folder / "overhead", db, url)
        figures["overhead_local"] = grade_seconds(broken, folder / "overhead-local", db)
    return figures


def report(figures: dict) -> str:
    n, cores = figures["students"], figures["cores"]
    per_notebook = figures["local"] / n
    overhead = max(0.0, figures["overhead_total"] - figures["overhead_local"]) / n
    split_ = figures["split"]
    rows = [f"| local, 1 process | {60 * n / figures['local']:.1f} | {per_notebook:.2f} |"]
    for count, seconds in figures["workers"].items():
        rows.append(f"| queue, {count} worker(s) | {60 * n / seconds:.1f} | {seconds / n:.2f} |")
    best = min(figures["workers"].values())
    rate_machine = 60 * n / best  # notebooks per minute on this machine, at its best worker count
    students, notebooks = CLASS
    total = students * notebooks
    projection = "\n".join(f"| {machines} | {total / (rate_machine * machines):.0f} min |" for machines in (1, 4, 16, 32))
    return f"""{SECTION}

`python -m course bench --grading` on this machine ({cores} cores): {n} lesson-1 notebooks (softmax samples,
right and wrong), graded locally and by `python -m course worker` processes on Redis (`course grade --queue`).
Grading step only (the one-time registration of an assignment in the gradebook and the exports left out).

| how | notebooks / minute | seconds / notebook |
|---|---|---|
{chr(10).join(rows)}

Each grading thread (and each worker's pool process) starts one sandbox, its zygote, once: bubblewrap,
Python, torch and the probes imported, {split_['zygote_start']:.2f} s. Then one notebook, {split_['total']:.2f} s:
the sandboxed run (a fresh fork of the zygote running the probe on the hidden cases) {split_['probe']:.2f} s,
judge {split_['judge']:.3f} s, preparing the cases {split_['prepare']:.2f} s, the grader's own steps (reading
the notebook, tamper checks) {split_['grader']:.3f} s; timed around those calls in the grading process.

The queue's own cost per task: {n} notebooks that need no sandbox (not JSON) through one worker took
{figures['overhead_total']:.2f} s, locally {figures['overhead_local']:.2f} s (the same rows, gradebook and CSV
writes): {overhead:.3f} s per task for sending, delivery, acknowledgement and the result stored and read back,
{100 * overhead / per_notebook:.1f} % of a graded notebook's {per_notebook:.2f} s.

Projection for {students} students × {notebooks} notebooks ({total} notebooks) at this machine's best rate
({rate_machine:.0f} notebooks / minute), N such machines running workers and one grader with Redis,
lesson-1-sized notebooks (lesson 9's trains for up to its CPU budget of 80 s: count those apart):

| machines | grading time |
|---|---|
{projection}
"""


def main(args) -> int:
    figures = run(args.students, args.queue)
    text = report(figures)
    print(text)
    if args.json:
        print(json.dumps(figures))
    if not args.no_write:
        write_section(text)
    return 0
