"""``course grade --queue redis://HOST:PORT/N`` and ``python -m course worker``: grading on a Celery task queue.

The grader (``course grade ... --queue URL``) sends every notebook that needs a sandbox as one Celery
task through Redis (broker and result backend both at URL). The task carries the notebook's bytes,
so workers need no access to ``submitted/``; its result comes back as data (rows and graded answers)
and the grader writes everything else (results/, grades.csv, gradebook, feedback, summaries) through
the same ``finish`` as local grading. Workers (``python -m course worker --queue URL``, on any machine
with this course checked out at the same version, its data prepared and bubblewrap installed) call
:func:`course.grade.grader.grade`: the same sandbox, limits and judge as local grading.

Delivery is at least once, grading idempotent:

* a task's id is derived from the notebook's key (content hash, grading fingerprint, course
  version: :func:`course.grade.results.key_for`), its student/assignment/notebook and the limits; a
  task delivered twice, or re-sent after Redis lost it, stores one result under that id, and a worker
  that finds a stored result returns it without grading again;
* late acknowledgement (``acks_late``) and ``reject_on_worker_lost``: a task whose worker died is
  delivered again (at once when a pool process dies; after the visibility timeout when the whole
  worker or its machine dies); a task started :data:`MAX_ATTEMPTS` times without finishing becomes
  an ``error`` row with the reason;
* a worker refuses a task of another course version, naming both versions: an ``error`` row, not a hang.

Rows made by the queue itself (refused, failed :data:`MAX_ATTEMPTS` times) go into grades.csv but are
not saved as results, and their stored task results are forgotten: the same command grades those
notebooks again. A notebook over :data:`MAX_TASK_BYTES` is never sent; it gets local grading's ``invalid`` row.
Nothing here is imported unless ``--queue`` or the ``worker`` verb is used.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import os
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from .checkpoint import pause_at

TASK = "course.grade.notebook"
QUEUE = "course-grade"
MAX_ATTEMPTS = 3
MAX_TASK_BYTES = 32 * 2**20
"""Largest notebook sent as a task (Redis holds the message in memory). It is the grader's own limit
(``notebook.MAX_NOTEBOOK_BYTES``, a test keeps them equal): a larger file gets the ``invalid`` row local
grading gives it, made here without a sandbox, and is never sent."""
DEFAULT_VISIBILITY = 3 * 3600
"""Seconds before Redis delivers an unacknowledged task again (its worker died): longer than any budget."""
RECONNECT_SECONDS = float(os.environ.get("COURSE_QUEUE_RECONNECT", 60))
"""How long the grader waits for a broker that stopped answering before it stops (results so far are saved)."""
POLL_SECONDS = 0.25
CHECKPOINT_VARIABLE = "COURSE_WORKER_CHECKPOINT"
"""For tests: a FIFO path. A worker writes the notebook it starts there, then waits to open ``<path>.go``."""

_WORKER: dict = {}  # this worker process's settings (set before the pool forks)


class QueueUnavailable(RuntimeError):
    """The broker cannot be reached; the text says where and what to do."""


def budget(timeout: float, exercises: int) -> float:
    """The longest a notebook's task may run: every exercise up to --timeout, plus a margin for the sandbox
    starts and the judge. A worker's visibility timeout must be longer."""
    seconds = timeout * max(1, exercises)
    return seconds + max(10.0, 0.25 * seconds)


def task_id(job, key, timeout: float, memory_bytes: int) -> str:
    """The task's id: the same notebook, grading code, course version and limits → the same id (one result)."""
    parts = [key.sha256, key.grading, key.version, job.student_id, job.assignment, job.notebook,
             f"{timeout:g}", str(memory_bytes)]
    return "course-grade-" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:40]


def redacted(url: str) -> str:
    """``url`` without its password, for messages."""
    from kombu.utils.url import maybe_sanitize_url

    return maybe_sanitize_url(url)


def app_for(url: str, visibility_timeout: float = DEFAULT_VISIBILITY):
    """The Celery app: Redis at ``url`` as broker and result backend, the grading task registered."""
    from celery import Celery

    app = Celery("course-grade", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, task_track_started=True,
        worker_prefetch_multiplier=1, task_default_queue=QUEUE, result_expires=14 * 86400,
        # A dead worker's unacknowledged task is found by a sweep every unacked_restore_interval seconds
        # (kombu's default sweeps only every 100 s): a tenth of the visibility timeout, at most a minute.
        broker_transport_options={"visibility_timeout": visibility_timeout, "unacked_restore_throttle": 1,
                                  "unacked_restore_interval": max(1, min(60, int(visibility_timeout / 10)))},
        result_backend_transport_options={"visibility_timeout": visibility_timeout},
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
    )
    app.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True)(_grade_task)
    return app


def ping(url: str, timeout: float = 5) -> None:
    """Raise :class:`QueueUnavailable` unless Redis at ``url`` answers."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
    except (redis.RedisError, OSError, ValueError) as error:
        raise QueueUnavailable(f"the queue at {redacted(url)} does not answer ({error}); start Redis there "
                               "(redis-server) or check --queue") from None


# --- the worker -------------------------------------------------------------------------------------------

def register_worker(subparsers) -> None:
    parser = subparsers.add_parser("worker", help="grade notebooks sent by `course grade --queue URL`",
                                   description="A Celery worker that grades notebooks from the queue at URL "
                                   "with the same sandbox, limits and judge as local grading.")
    parser.add_argument("--queue", required=True, metavar="URL", help="redis://HOST:PORT/N, as given to course grade")
    parser.add_argument("--concurrency", type=int, default=1, help="notebooks graded at once (default 1)")
    parser.add_argument("--threads", type=int, default=0,
                        help="threads per grading process (default: CPU cores / concurrency)")
    parser.add_argument("--visibility-timeout", type=float, default=DEFAULT_VISIBILITY,
                        help=f"seconds after which a task whose worker died is delivered again (default {DEFAULT_VISIBILITY}); "
                        "must exceed --timeout × exercises of the grading runs")
    parser.add_argument("--hide", type=Path, action="append", default=[], metavar="PATH",
                        help="also hide PATH from the sandbox (repeatable; the course, the data and /tmp always are)")
    parser.set_defaults(run=worker_main)


def worker_main(args) -> int:
    from . import sandbox
    from .results import course_version

    if args.concurrency < 1 or args.threads < 0 or args.visibility_timeout <= 0:
        print("error: --concurrency and --visibility-timeout must be positive", file=sys.stderr)
        return 2
    try:
        sandbox.bwrap()
        ping(args.queue)
    except (sandbox.SandboxUnavailable, QueueUnavailable) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    from ..paths import REPO
    from . import _data_root

    scratch = Path(tempfile.mkdtemp(prefix="course-worker-"))  # every task's files, below one hidden folder
    owner = os.getpid()  # the pool's processes are forked from this one: only it removes the folder
    atexit.register(lambda: os.getpid() == owner and shutil.rmtree(scratch, ignore_errors=True))
    _WORKER.update(version=course_version(), visibility=args.visibility_timeout, scratch=scratch,
                   threads=args.threads or max(1, (os.cpu_count() or 1) // args.concurrency),
                   hidden=[REPO, _data_root(), scratch, *[p.resolve() for p in args.hide]])
    print(f"course worker: course version {_WORKER['version']}, queue {redacted(args.queue)}, "
          f"{args.concurrency} at once, {_WORKER['threads']} thread(s) each", flush=True)
    from . import grader  # noqa: F401  (torch and the judges, imported once before the pool forks)

    app = app_for(args.queue, args.visibility_timeout)
    name = f"course-{os.getpid()}@{socket.gethostname()}"
    app.worker_main(["worker", "--loglevel", "WARNING", "--concurrency", str(args.concurrency), "--pool", "prefork",
                     "-n", name, "-Q", QUEUE, "-O", "fair", "--without-gossip", "--without-mingle"])
    return 0


def _grade_task(self, payload: dict) -> dict:
    """One notebook, graded on this worker: ``{"rows", "answers", "seconds"}`` or ``{"refused"}``."""
    from .results import course_version

    mine = _WORKER.get("version") or course_version()
    if payload["version"] != mine:
        return {"refused": f"this worker runs course version {mine}, the task was sent by course version "
                f"{payload['version']}: run workers of version {payload['version']} (or grade with version {mine})"}
    need = budget(payload["timeout"], payload["exercises"])
    visibility = _WORKER.get("visibility", DEFAULT_VISIBILITY)
    if need >= visibility:
        return {"refused": f"this notebook may take {need:g} s (--timeout × exercises + margin), longer than the "
                f"worker's visibility timeout of {visibility:g} s: start workers with --visibility-timeout {int(need * 2)}"}
    backend = self.app.backend
    stored = backend.get_task_meta(self.request.id)
    if stored.get("status") == "SUCCESS" and isinstance(stored.get("result"), dict) and "rows" in stored["result"]:
        return stored["result"]  # delivered again after it was graded: one result
    attempts_key = f"course-grade-attempts:{self.request.id}"
    attempts = backend.client.incr(attempts_key)
    backend.client.expire(attempts_key, 14 * 86400)
    if attempts > MAX_ATTEMPTS:
        return {"failed": f"grading stopped {MAX_ATTEMPTS} times without a result (the worker grading it died, "
                "or was stopped, each time); grade this notebook alone to see why"}
    try:
        return _grade_payload(payload)
    except Exception as error:  # a bug or a broken machine, not the answer: try again elsewhere, then report
        if attempts < MAX_ATTEMPTS:
            raise self.retry(exc=error, countdown=1, max_retries=None)
        return {"failed": f"grading failed {MAX_ATTEMPTS} times on the workers: {type(error).__name__}: {error}"}


def _grade_payload(payload: dict) -> dict:
    from .grader import grade
    from .judge import Limits
    from .submissions import Job

    data = base64.b64decode(payload["data"])
    started = time.perf_counter()
    # Below the worker's one scratch folder, hidden from the sandbox once: the same hidden paths for every task,
    # so each pool process keeps its zygote (a folder of its own per task would start a sandbox per task).
    root = _WORKER.get("scratch")
    with tempfile.TemporaryDirectory(prefix="task-", dir=root) as scratch:
        scratch = Path(scratch)
        hidden = _WORKER.get("hidden", []) if root else [scratch]
        folder = scratch / "submitted" / payload["student_id"] / payload["assignment"]
        folder.mkdir(parents=True)
        path = folder / Path(payload["filename"]).name
        path.write_bytes(data)
        _checkpoint(payload)
        work_root = scratch / "jobs"
        work_root.mkdir()
        job = Job(payload["student_id"], payload["assignment"], payload["notebook"], path)
        limits = Limits(payload["timeout"], payload["memory_bytes"], _WORKER.get("threads", 1))
        graded = grade(job, hidden, limits, work_root)
    return {"rows": [asdict(row) for row in graded.rows], "answers": graded.answers,
            "seconds": time.perf_counter() - started, "worker": socket.gethostname()}


def _checkpoint(payload: dict) -> None:
    pause_at(CHECKPOINT_VARIABLE, f"{payload['student_id']}/{payload['assignment']}/{payload['notebook']}")


# --- the grader's side ------------------------------------------------------------------------------------

def local_only(job) -> bool:
    """Jobs whose rows need no sandbox (missing notebook, unknown assignment, loose file): made here."""
    return job.path is None or not job.assignment or not job.notebook or (job.problem is not None and not job.notebook)


def grade_all(plan, place, limits, scratch: Path, url: str, finish, done: dict) -> None:
    """Grade the plan's pending notebooks on the queue's workers, calling ``finish`` as each result comes.

    Raises :class:`QueueUnavailable` when the broker stops answering for longer than :data:`RECONNECT_SECONDS`
    (every result received so far is saved: the same command resumes)."""
    from tqdm.auto import tqdm

    from .grader import Graded, grade, lesson_cells
    from .results import Row

    ping(url)
    app = app_for(url)
    backend = app.backend
    try:
        if plan.pending and not app.control.ping(timeout=1.0, limit=1):  # the first answer is enough
            print(f"note: no worker answers on {redacted(url)} yet; tasks wait in the queue until one starts "
                  f"(python -m course worker --queue {redacted(url)})", file=sys.stderr)
    except Exception:  # noqa: BLE001 - only a hint
        pass

    def queue_rows(job, status: str, text: str):
        from helper.i18n import speaking

        from .feedback import language_of

        with speaking(language_of(job.assignment)):
            cells = lesson_cells(job.assignment, job.notebook)
            return Graded([Row(job.student_id, job.assignment, job.notebook, c.grade_id, 0, c.points, status,
                               text) for c in cells], {}, [])

    waiting: dict[str, tuple] = {}  # task id → (job, key, payload)
    not_saved = 0
    for job, key, reason in plan.pending:
        if local_only(job):
            finish(job, key, grade(job, [], limits, scratch))
            continue
        if job.path.stat().st_size > MAX_TASK_BYTES:  # refused by grade() before any sandbox starts
            finish(job, key, grade(job, [], limits, scratch))
            continue
        cells = lesson_cells(job.assignment, job.notebook)
        payload = {"version": key.version, "student_id": job.student_id, "assignment": job.assignment,
                   "notebook": job.notebook, "filename": job.path.name,
                   "data": base64.b64encode(job.path.read_bytes()).decode("ascii"),
                   "timeout": limits.timeout, "memory_bytes": limits.memory_bytes,
                   "exercises": len({c.exercise for c in cells})}
        identity = task_id(job, key, limits.timeout, limits.memory_bytes)
        if reason in ("--regrade", "--student"):
            backend.forget(identity)
            backend.client.delete(f"course-grade-attempts:{identity}")
        waiting[identity] = (job, key, payload)

    def send(identities) -> None:
        """Queue these tasks, unless a grade is stored under the id already (an earlier run's, never saved here)."""
        for identity in identities:
            meta = backend.get_task_meta(identity)
            if meta.get("status") == "SUCCESS" and isinstance(meta.get("result"), dict) and "rows" in meta["result"]:
                continue
            if meta.get("status") in ("SUCCESS", "FAILURE"):  # refused or failed before: not a grade, try again
                backend.forget(identity)
                backend.client.delete(f"course-grade-attempts:{identity}")
            app.send_task(TASK, args=[waiting[identity][2]], task_id=identity, queue=QUEUE)

    send(list(waiting))
    server = _server_id(backend)
    checked = time.monotonic()
    failed = 0
    with tqdm(total=len(waiting), unit="notebook", desc="grading (queue)", disable=not waiting) as bar:
        lost_since, last_shown = None, None
        while waiting:
            try:
                if time.monotonic() - checked > 2:
                    checked, now = time.monotonic(), _server_id(backend)
                    if now != server:  # Redis restarted (maybe empty): send what is not done again, same ids
                        print(f"\nnote: the queue at {redacted(url)} restarted; sending the {len(waiting)} "
                              "unfinished notebook(s) again (one result each)", file=sys.stderr)
                        server = now
                        send(list(waiting))
                identities = list(waiting)
                metas = backend.mget([backend.get_key_for_task(i) for i in identities])
                lost_since = None
            except Exception as error:  # noqa: BLE001 - the broker went away: wait for it, then send again
                if not _is_connection_error(error):
                    raise
                now = time.monotonic()
                lost_since = lost_since or now
                if now - lost_since > RECONNECT_SECONDS:
                    raise QueueUnavailable(f"the queue at {redacted(url)} stopped answering for "
                                           f"{RECONNECT_SECONDS:g} s ({error})") from None
                bar.set_postfix_str("queue unreachable, waiting for it")
                time.sleep(1)  # then try again: a restarted Redis is noticed by its new run id
                checked = 0
                continue
            states = {"STARTED": 0, "PENDING": 0, "RETRY": 0}
            for identity, raw in zip(identities, metas):
                meta = backend.decode_result(raw) if raw else {"status": "PENDING"}
                status = meta.get("status")
                if status in ("SUCCESS", "FAILURE"):
                    job, key, _ = waiting.pop(identity)
                    result = meta.get("result")
                    if status == "SUCCESS" and isinstance(result, dict) and "rows" in result:
                        rows = [Row(**row) for row in result["rows"]]
                        finish(job, key, Graded(rows, result.get("answers", {}), lesson_cells(job.assignment,
                                                                                                   job.notebook)))
                    else:
                        text = (result or {}).get("refused") or (result or {}).get("failed") \
                            if isinstance(result, dict) else f"the task failed on the worker: {result}"
                        finish(job, key, queue_rows(job, "error", str(text)), save=False)
                        failed += 1
                        not_saved += 1
                    bar.update()
                    _grader_checkpoint(job)
                else:
                    states[status if status in states else "PENDING"] += 1
            shown = {"done": bar.n, "running": states["STARTED"], "queued": states["PENDING"] + states["RETRY"],
                     "failed": failed}
            if shown != last_shown:
                bar.set_postfix(shown)
                last_shown = shown
            if waiting:
                time.sleep(POLL_SECONDS)
    if not_saved:
        print(f"note: {not_saved} notebook(s) got a row from the queue instead of a grade (see their messages); "
              "they are not saved as results: the same command grades them again", file=sys.stderr)


def _is_connection_error(error: BaseException) -> bool:
    import redis
    from kombu.exceptions import OperationalError

    return isinstance(error, (redis.ConnectionError, redis.TimeoutError, OperationalError, ConnectionError, OSError))


def _server_id(backend) -> str:
    """Redis's run id: it changes when the server restarts (and may have lost its queue)."""
    return backend.client.info("server")["run_id"]


def _grader_checkpoint(job) -> None:
    from . import _checkpoint

    _checkpoint(job)

