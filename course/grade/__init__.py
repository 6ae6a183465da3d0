"""``python -m course grade SUBMITTED``: grade a class, each answer in a sandbox, judged outside it.

For every submitted notebook it checks the test cells against the release, runs each exercise's
answer cell alone in a bubblewrap sandbox on hidden inputs, and judges the results in this
process. It writes ``OUT/grades.csv`` (one row per graded test cell), the scores into nbgrader's
gradebook, and ``OUT/feedback/<student>/<assignment>/<notebook>.html``; it resumes where an
interrupted run stopped. See README, "Grading a class".
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..paths import REPO, SOURCE
from . import feedback, gradebook, results, sandbox
from .grader import grade
from .judge import Limits
from .submissions import SubmissionsError, find_jobs


def register(subparsers) -> None:
    parser = subparsers.add_parser("grade", help="grade submitted notebooks in a sandbox; write grades.csv, "
                                   "the gradebook and feedback", description=__doc__.split("\n\n")[0])
    parser.add_argument("submitted", type=Path, help="submitted/ (<student>/<assignment>/<notebook>.ipynb), "
                        "a zip of it, or a flat folder of <student_id>.ipynb")
    parser.add_argument("--out", type=Path, default=REPO / "graded", help="where results go (default graded/)")
    parser.add_argument("--jobs", type=int, default=1, help="students graded at once (default 1)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds each exercise's answer may run (default 300)")
    parser.add_argument("--memory", type=float, default=8, help="GiB of address space per grading process (default 8)")
    parser.add_argument("--gradebook", type=Path, default=REPO / "gradebook.db",
                        help="nbgrader gradebook to record scores in (default the course's gradebook.db)")
    parser.set_defaults(run=main)


def main(args) -> int:
    if args.jobs < 1 or args.timeout <= 0 or args.memory <= 0:
        print("error: --jobs, --timeout and --memory must be positive", file=sys.stderr)
        return 2
    try:
        sandbox.bwrap()
    except sandbox.SandboxUnavailable as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="course-grade-") as scratch:
        scratch = Path(scratch)
        try:
            jobs = find_jobs(args.submitted.resolve(), SOURCE, scratch / "unzipped")
        except SubmissionsError as problem:
            print(f"error: {problem}", file=sys.stderr)
            return 1
        threads = max(1, (os.cpu_count() or 1) // args.jobs)
        limits = Limits(args.timeout, int(args.memory * 2**30), threads)
        hidden = [REPO, args.submitted.resolve(), out, args.gradebook.resolve().parent, _data_root()]
        rows = grade_all(jobs, out, args.gradebook.resolve(), limits, hidden, scratch, args.jobs)
    summary(rows)
    print(f"wrote {out / 'grades.csv'} ({len(rows)} rows), feedback in {out / 'feedback'}, gradebook {args.gradebook}")
    return 0


def _data_root() -> Path:
    from helper.data import configured_data_root

    return configured_data_root()


def grade_all(jobs, out: Path, db_path: Path, limits: Limits, hidden: list[Path], scratch: Path, workers: int):
    """Grade every job (reusing saved results), keeping ``grades.csv`` current after each one."""
    from tqdm.auto import tqdm

    done: dict[tuple, list[results.Row]] = {}
    pending = []
    for job in jobs:
        digest = results.fingerprint(job.path)
        saved = results.load_result(results.result_path(out, job.student_id, job.assignment, job.notebook), digest)
        if saved is None:
            pending.append((job, digest))
        else:
            done[job] = saved
    lock = threading.Lock()
    work_root = scratch / "jobs"
    work_root.mkdir()

    def finish(job, digest, graded) -> None:
        with lock:
            results.save_result(results.result_path(out, job.student_id, job.assignment, job.notebook), digest, graded.rows)
            if graded.cells:
                gradebook.record(db_path, job.assignment, job.notebook, graded.cells, graded.rows)
                feedback.write(out / "feedback" / job.student_id / job.assignment / f"{job.notebook}.html",
                               graded.rows, graded.answers)
            done[job] = graded.rows
            results.write_csv(out / "grades.csv", [row for rows in done.values() for row in rows])

    if done:
        print(f"resuming: {len(done)} notebook(s) already graded, {len(pending)} to go")
    results.write_csv(out / "grades.csv", [row for rows in done.values() for row in rows])
    with tqdm(total=len(pending), unit="notebook", desc="grading") as bar, ThreadPoolExecutor(workers) as pool:
        futures = {pool.submit(grade, job, hidden, limits, work_root): (job, digest) for job, digest in pending}
        try:
            for future in as_completed(futures):
                job, digest = futures[future]
                finish(job, digest, future.result())
                bar.update()
        except BaseException:  # Ctrl-C: stop queued notebooks, kill running sandboxes; saved results stay
            for future in futures:
                future.cancel()
            sandbox.kill_all()
            raise
    shutil.rmtree(work_root, ignore_errors=True)
    return [row for rows in done.values() for row in rows]


def summary(rows: list[results.Row]) -> None:
    """One line per student: points, and how many tests ended in each status."""
    by_student = defaultdict(list)
    for row in rows:
        by_student[row.student_id].append(row)
    width = max((len(s) for s in by_student), default=7)
    for student, own in sorted(by_student.items()):
        statuses = Counter(row.status for row in own)
        shown = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
        print(f"{student:<{width}}  {sum(r.score for r in own):6g} / {sum(r.max_score for r in own):<6g}  {shown}")
