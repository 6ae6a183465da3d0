"""``python -m course grade SUBMITTED``: grade a class, each answer in a sandbox, judged outside it.

For every submitted notebook it checks the test cells against the release, runs each exercise's
answer cell alone in a bubblewrap sandbox on hidden inputs, and judges the results in this
process. It writes ``OUT/grades.csv`` (one row per graded test cell), the scores into nbgrader's
gradebook, feedback pages (``OUT/feedback/``, and nbgrader's ``feedback/`` for ``release_feedback``),
and ``OUT/summary.csv`` and ``OUT/lms.csv`` (one grade per student per lesson, late policy applied).
A stored result is reused only while the notebook, its grading code and data and the course
version are unchanged; each run says how many it graded, reused, and why. See README, "Grading a class".
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from helper.i18n import add_catalogue

from .. import config, exports
from ..paths import REPO, SOURCE
from . import feedback, gradebook, results, sandbox
from .checkpoint import pause_at
from .grader import grade, lesson_cells
from .judge import Limits
from .submissions import SubmissionsError, find_jobs

add_catalogue(Path(__file__).parent)  # course grade's own sentences: messages.<lang>.toml beside this file

CHECKPOINT_VARIABLE = "COURSE_GRADE_CHECKPOINT"
"""For tests: a FIFO path. After each saved notebook the run writes its name there, then waits to open
``<path>.go``, so a test can interrupt it at a known point instead of guessing with timers."""


class Interrupted(Exception):
    """SIGTERM (``kill``): stop grading as Ctrl-C does; what is saved stays."""


def register(subparsers) -> None:
    parser = subparsers.add_parser("grade", help="grade submitted notebooks in a sandbox; write grades.csv, "
                                   "summary.csv, lms.csv, the gradebook and feedback", description=__doc__.split("\n\n")[0])
    parser.add_argument("submitted", type=Path, help="submitted/ (<student>/<assignment>/<notebook>.ipynb), "
                        "a zip of it, or a flat folder of <student_id>.ipynb")
    parser.add_argument("--out", type=Path, default=REPO / "graded", help="where results go (default graded/)")
    parser.add_argument("--student", action="append", default=[], metavar="ID",
                        help="grade again only this student (repeatable); the others keep their stored results")
    parser.add_argument("--regrade", action="store_true", help="grade every notebook again, reusing nothing")
    parser.add_argument("--jobs", type=int, default=1, help="students graded at once (default 1)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds each exercise's answer may run (default 300)")
    parser.add_argument("--memory", type=float, default=8, help="GiB of address space per grading process (default 8)")
    parser.add_argument("--gradebook", type=gradebook.location, default=REPO / "gradebook.db",
                        help="nbgrader gradebook to record scores in: a file, or an SQLAlchemy URL such as "
                        "postgresql://user@host/db (default the course's gradebook.db)")
    parser.add_argument("--feedback", type=Path, default=REPO / "feedback",
                        help="nbgrader's feedback folder, where release_feedback finds the pages (default feedback/)")
    parser.add_argument("--config", type=Path, default=config.CONFIG,
                        help="due dates and late policy (default course.toml)")
    parser.add_argument("--queue", metavar="URL", default=None,
                        help="grade on workers of a Celery queue, Redis at URL (redis://HOST:PORT/N); start them "
                        "with python -m course worker --queue URL")
    parser.set_defaults(run=main)


def main(args) -> int:
    if args.jobs < 1 or args.timeout <= 0 or args.memory <= 0:
        print("error: --jobs, --timeout and --memory must be positive", file=sys.stderr)
        return 2
    try:
        if not args.queue:  # with --queue the workers run the sandboxes
            sandbox.bwrap()
        settings = config.load(args.config)
        if args.queue:
            from . import queue

            queue.ping(args.queue)
    except (sandbox.SandboxUnavailable, config.ConfigError, _queue_unavailable()) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return grade_class(args, settings, out)
    except (KeyboardInterrupt, Interrupted) as stop:
        saved = sum(1 for _ in (out / "results").rglob("*.json")) if (out / "results").is_dir() else 0
        print(f"\ninterrupted: grading stopped; {saved} notebook result(s) are saved in {out / 'results'}. "
              "Run the same command again to grade the rest.", file=sys.stderr)
        return 143 if isinstance(stop, Interrupted) else 130
    except _queue_unavailable() as problem:
        saved = sum(1 for _ in (out / "results").rglob("*.json")) if (out / "results").is_dir() else 0
        print(f"\nerror: {problem}. {saved} notebook result(s) are saved in {out / 'results'}; nothing graded is "
              "lost. Run the same command again when the queue answers.", file=sys.stderr)
        return 75
    finally:
        signal.signal(signal.SIGTERM, previous)


def grade_class(args, settings: config.CourseConfig, out: Path) -> int:
    """Find the notebooks, decide what to grade, grade it, and write every output."""
    db_path = gradebook.resolved(args.gradebook)
    db_folder = [db_path.parent] if isinstance(db_path, Path) else []
    with tempfile.TemporaryDirectory(prefix="course-grade-") as scratch:
        scratch = Path(scratch)
        try:
            jobs = find_jobs(args.submitted.resolve(), SOURCE, scratch / "unzipped")
        except SubmissionsError as problem:
            print(f"error: {problem}", file=sys.stderr)
            return 1
        unknown = sorted(set(args.student) - {job.student_id for job in jobs})
        if unknown:
            print(f"error: no submissions from {', '.join(unknown)} in {args.submitted}; "
                  f"students found: {', '.join(sorted({j.student_id for j in jobs})) or 'none'}", file=sys.stderr)
            return 2
        threads = max(1, (os.cpu_count() or 1) // args.jobs)
        limits = Limits(args.timeout, int(args.memory * 2**30), threads)
        hidden = [REPO, args.submitted.resolve(), out, *db_folder, args.feedback.resolve(), _data_root()]
        plan = plan_jobs(jobs, out, set(args.student), args.regrade)
        report_plan(plan)
        place = Place(out, db_path, args.feedback.resolve(), [REPO, out, *db_folder, args.submitted.resolve()])
        record_missing(plan, place)
        rows = grade_all(plan, place, limits, hidden, scratch, args.jobs, args.queue)
    summary(rows)
    problems = {(r.student_id, r.assignment): r.status for r in rows if r.status in ("invalid", "missing")}
    exports.write(out, exports.lesson_grades(exports.read_gradebook(db_path), settings, problems))
    from . import report

    report.write(out / "report.html", rows, report.language(settings, rows))
    print(f"wrote {out / 'grades.csv'} ({len(rows)} rows), {out / 'report.html'}, feedback in {out / 'feedback'} "
          f"({plan.published} for release_feedback in {args.feedback}), gradebook {gradebook.shown(db_path)}")
    return 0


def _queue_unavailable():
    """The queue's error class, without importing the queue's packages unless --queue was given."""
    module = sys.modules.get(f"{__name__}.queue")
    return module.QueueUnavailable if module else ()


def _terminate(signum, frame):
    raise Interrupted()


def _data_root() -> Path:
    from helper.data import configured_data_root

    return configured_data_root()


class Place:
    """Where a graded notebook's results go."""

    def __init__(self, out: Path, db_path: Path, feedback_root: Path, private: list[Path]):
        self.out, self.db_path, self.feedback_root, self.private = out, db_path, feedback_root, private


class Plan:
    """Which notebooks to grade and why, and which stored results to reuse."""

    def __init__(self):
        self.pending: list[tuple] = []  # (job, key, reason)
        self.reused: dict = {}  # job → rows
        self.kept_stale = 0  # results of students not selected with --student, reused although out of date
        self.skipped = 0  # notebooks of students not selected that were never graded
        self.published = 0


def plan_jobs(jobs, out: Path, students: set[str], regrade: bool) -> Plan:
    """Decide per notebook: reuse its stored result (same key) or grade it, with the reason."""
    plan, version = Plan(), results.course_version()
    for job in jobs:
        key = results.key_for(job.path, _exercises(job), version)
        stored = results.load_result(results.result_path(out, job.student_id, job.assignment, job.notebook))
        if students and job.student_id not in students:
            if stored is None:
                plan.skipped += 1
            else:
                plan.reused[job] = stored[1]
                plan.kept_stale += bool(key.differences(stored[0]))
            continue
        if regrade or students:
            plan.pending.append((job, key, "--regrade" if regrade else "--student"))
        elif stored is None:
            plan.pending.append((job, key, "not graded before"))
        elif key.differences(stored[0]):
            plan.pending.append((job, key, ", ".join(key.differences(stored[0]))))
        else:
            plan.reused[job] = stored[1]
    return plan


def _exercises(job) -> list[str]:
    if job.problem and not job.notebook or not job.assignment:
        return []
    return [cell.exercise for cell in lesson_cells(job.assignment, job.notebook)]


def report_plan(plan: Plan) -> None:
    reasons = Counter(reason for _, _, reason in plan.pending)
    why = "; ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    print(f"grading {len(plan.pending)} notebook(s)" + (f" ({why})" if why else "")
          + f"; reusing {len(plan.reused)} stored result(s)"
          + (" (notebook, grading code and data, course version unchanged)" if plan.reused else ""))
    if plan.kept_stale:
        print(f"note: {plan.kept_stale} reused result(s) of students not named with --student are out of date "
              "(the grading code changed); run without --student to grade them again")
    if plan.skipped:
        print(f"note: {plan.skipped} notebook(s) of students not named with --student were never graded and are left out")


def grade_all(plan: Plan, place: Place, limits: Limits, hidden: list[Path], scratch: Path, workers: int,
              queue: str | None = None):
    """Grade the plan's pending notebooks, keeping ``grades.csv`` current after each one; with ``queue``
    (a Redis URL) on the queue's workers instead of here (:mod:`course.grade.queue`)."""
    from tqdm.auto import tqdm

    done = dict(plan.reused)
    lock = threading.Lock()
    work_root = scratch / "jobs"
    work_root.mkdir()
    csv_path = place.out / "grades.csv"

    def finish(job, key, graded, save: bool = True) -> None:
        """Gradebook and feedback first, the result file last: a result on disk means everything was written.
        ``save=False``: rows the queue made instead of a grade, shown in grades.csv but graded again next run."""
        with lock:
            if graded.cells:
                stamp = _timestamp(job)
                gradebook.record(place.db_path, job.assignment, job.notebook, graded.rows, stamp)
                page = place.out / "feedback" / job.student_id / job.assignment / f"{job.notebook}.html"
                feedback.write(page, graded.rows, graded.answers, {c.grade_id: c.exercise for c in graded.cells},
                               place.private, manual=bool(manual_cells(job.assignment, job.notebook)))
                if feedback.publish(page, _submission_folder(job), place.feedback_root, job.student_id,
                                    job.assignment, job.notebook):
                    plan.published += 1
            if save:
                results.save_result(results.result_path(place.out, job.student_id, job.assignment, job.notebook),
                                    key, graded.rows)
            done[job] = graded.rows
            results.write_csv(csv_path, [row for rows in done.values() for row in rows])

    results.write_csv(csv_path, [row for rows in done.values() for row in rows])
    if queue:
        from . import queue as task_queue

        task_queue.grade_all(plan, place, limits, work_root, queue, finish, done)
        shutil.rmtree(work_root, ignore_errors=True)
        return [row for rows in done.values() for row in rows]
    with tqdm(total=len(plan.pending), unit="notebook", desc="grading", disable=not plan.pending) as bar, ThreadPoolExecutor(workers) as pool:
        futures = {pool.submit(grade, job, hidden, limits, work_root): (job, key) for job, key, _ in plan.pending}
        try:
            for future in as_completed(futures):
                job, key = futures[future]
                finish(job, key, future.result())
                bar.update()
                _checkpoint(job)
        except BaseException:  # Ctrl-C, SIGTERM: stop queued notebooks, kill running sandboxes; saved results stay
            for future in futures:
                future.cancel()
            sandbox.kill_all()
            raise
    shutil.rmtree(work_root, ignore_errors=True)
    return [row for rows in done.values() for row in rows]


def record_missing(plan: Plan, place: Place) -> None:
    """Reused results whose scores the gradebook lacks (a new or replaced gradebook) are written into it again."""
    known = {key[:3] for key in gradebook.scores(place.db_path)} if gradebook.exists(place.db_path) else set()
    for job, rows in plan.reused.items():
        if job.notebook and job.assignment and (job.student_id, job.assignment, job.notebook) not in known \
                and any(row.grade_id for row in rows):
            gradebook.record(place.db_path, job.assignment, job.notebook, rows, _timestamp(job))


def _checkpoint(job) -> None:
    """The test hook of :data:`CHECKPOINT_VARIABLE` (nothing happens without it)."""
    pause_at(CHECKPOINT_VARIABLE, f"{job.student_id}/{job.assignment}/{job.notebook}")


def _submission_folder(job) -> Path | None:
    """``submitted/<student>/<assignment>`` when the notebook came in nbgrader's layout, else None."""
    if job.path is None:
        return None
    folder = job.path.parent
    return folder if folder.name == job.assignment and folder.parent.name == job.student_id else None


def _timestamp(job):
    """The exchange's submission time (``timestamp.txt``, read as nbgrader reads it), or None."""
    from nbgrader.coursedir import CourseDirectory

    folder = _submission_folder(job)
    return CourseDirectory().get_existing_timestamp(str(folder)) if folder is not None else None


def manual_cells(assignment: str, notebook: str) -> list[str]:
    """Grade ids of the lesson's answers graded by hand in Formgrader (written answers)."""
    from .notebook import read_json

    cells = read_json(SOURCE / assignment / f"{notebook}.ipynb")["cells"]
    return [c["metadata"]["nbgrader"]["grade_id"] for c in cells
            if c.get("cell_type") == "markdown" and c.get("metadata", {}).get("nbgrader", {}).get("grade")]


def summary(rows: list[results.Row]) -> None:
    """One line per student, under column headers: points, and how many tests ended in each status."""
    by_student = defaultdict(list)
    for row in rows:
        by_student[row.student_id].append(row)
    width = max([len(s) for s in by_student] + [len("student_id")])
    print(f"{'student_id':<{width}}  {'score':>6} / {'max':<6}  tests")
    for student, own in sorted(by_student.items()):
        statuses = Counter(row.status for row in own)
        shown = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        print(f"{student:<{width}}  {sum(r.score for r in own):6g} / {sum(r.max_score for r in own):<6g}  {shown}")
