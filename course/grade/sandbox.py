"""Run one answer in a sandbox: its own process, namespaces and limits, seeing none of the course.

bubblewrap (``bwrap``) gives the process a read-only view of the system with the course directory,
the data, the submissions and the grader's output hidden behind empty tmpfs mounts, a private
``/tmp``, no network, its own PID namespace (so every process it starts dies with it) and no way to
undo any of that. The only writable place is the job folder, bound at ``/tmp/grading``. Resource limits
cap memory, processes, file size and CPU time; the caller's timeout kills the whole tree. Inside, the
reaper (:mod:`course.grade.reaper`) starts the answer's process and counts the CPU time of every
process it runs, so that an exercise with a time budget is timed by the kernel, not by the answer.
"""

from __future__ import annotations

import json
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..paths import REPO

INSIDE = Path("/tmp/grading")
"""Where the job folder appears inside the sandbox."""

RUNTIME = ("helper", "autograder/__init__.py", "autograder/wire.py", "autograder/probing.py",
           "autograder/verdict.py", "autograder/exercise.py", "autograder/runner.py", "autograder/simulated_device.py",
           "autograder/exercises/__init__.py", "course/grade/reaper.py",
           "autograder/models.py",  # the model description the probes of network and lenet share
           "autograder/spies.py")  # the watched loader, model and loss of the training-loop probes
"""What the sandbox may import from the course: the probes, the helper students have anyway (and the reaper)."""

EXERCISE_RUNTIME = ("__init__.py", "probe.py", "exercise.toml", "messages.*.toml")
"""Of each exercise's folder, what its probe needs: never its judge, reference, cases or samples."""

REAPER = INSIDE / "runtime" / "course" / "grade" / "reaper.py"

EXTRA_PROCESSES = 64
"""Processes an answer may start (DataLoader workers); a fork storm stops there."""

MAX_FILE_BYTES = 256 * 2**20
"""Largest file the answer may write: an output flood is stopped (SIGXFSZ) and reported."""

PIDS_CGROUPS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified"))
"""Where a pids cgroup can cap a sandbox's processes: Linux exempts root from RLIMIT_NPROC."""


_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


@dataclass
class Outcome:
    returncode: int | None
    seconds: float
    timed_out: bool
    stderr_tail: str
    too_many_processes: bool = False
    cpu_seconds: float | None = None
    """CPU time of every process in the sandbox, as the kernel counted it; None when the count cannot be trusted."""


def bwrap() -> str:
    """The bubblewrap executable, or an error that says how to get it."""
    found = shutil.which("bwrap")
    if not found:
        raise SandboxUnavailable(
            "course grade runs each answer in a bubblewrap sandbox, and `bwrap` is not installed: "
            "install it with `sudo apt install bubblewrap` (Debian/Ubuntu) or `sudo dnf install bubblewrap`.")
    return found


def copy_runtime(job_dir: Path) -> None:
    """Copy the probes and ``helper`` into the job: the sandbox imports them from there, not the course."""
    runtime = job_dir / "runtime"
    for source in runtime_files():
        target = runtime / source.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def runtime_files() -> list[Path]:
    """Every file :func:`copy_runtime` copies into the sandbox."""
    files = []
    for name in RUNTIME:
        path = REPO / name
        files += [f for f in path.rglob("*") if f.is_file() and "__pycache__" not in f.parts] if path.is_dir() else [path]
    for folder in sorted((REPO / "autograder" / "exercises").glob("*/")):
        for pattern in EXERCISE_RUNTIME:
            files += sorted(folder.glob(pattern))
    return files


def command(job_dir: Path, hidden: list[Path], argv: list[str]) -> list[str]:
    """The bwrap command line that runs ``argv`` inside the sandbox."""
    prefix = Path(sys.prefix).resolve()
    args = [bwrap(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in _outermost(hidden):
        args += ["--tmpfs", str(path)]
    if any(prefix.is_relative_to(path) for path in hidden):
        args += ["--ro-bind", str(prefix), str(prefix)]  # a venv inside the course directory
    for device in sorted(Path("/dev").glob("nvidia*")):
        args += ["--dev-bind-try", str(device), str(device)]
    args += ["--bind", str(job_dir), str(INSIDE), "--chdir", str(INSIDE / "work"),
             "--unshare-all", "--uid", "65534", "--gid", "65534", "--die-with-parent", "--new-session",
             "--cap-drop", "ALL",
             "--clearenv", "--setenv", "PATH", f"{prefix / 'bin'}:/usr/bin:/bin",
             "--setenv", "HOME", str(INSIDE / "work"), "--setenv", "PYTHONPATH", str(INSIDE / "runtime"),
             "--setenv", "MPLBACKEND", "Agg", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
             "--setenv", "LANG", "C.UTF-8", "--"]
    return args + argv


def _outermost(paths: list[Path]) -> list[Path]:
    """The paths to hide, without those already inside another one (a tmpfs on top would hide it)."""
    resolved = sorted({p.resolve() for p in paths if p.exists()}, key=lambda p: len(p.parts))
    kept: list[Path] = []
    for path in resolved:
        if path != Path("/") and not any(path.is_relative_to(k) for k in kept):
            kept.append(path)
    return kept


def _limits(memory_bytes: int, cpu_seconds: int, cgroup: Path | None):
    """Resource limits for the sandbox, set in the child between fork and exec."""
    processes = _processes_of_this_user() + EXTRA_PROCESSES

    def apply() -> None:
        if cgroup is not None:
            (cgroup / "cgroup.procs").write_text("0")
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))

    return apply


def _processes_of_this_user() -> int:
    """RLIMIT_NPROC counts every process of the real user, so the limit starts from what runs now."""
    uid, count = os.getuid(), 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                count += entry.stat().st_uid == uid
            except OSError:
                pass
    return count


def run(job_dir: Path, hidden: list[Path], argv: list[str], *, timeout: float, memory_bytes: int,
        threads: int, cpu_limit: float | None = None) -> Outcome:
    """Run ``argv`` in the sandbox with ``job_dir`` as its only writable folder; kill it all at ``timeout``.

    ``cpu_limit`` (seconds), when given, lowers each process's CPU limit below what ``timeout``
    allows: the kernel stops a process there (SIGXCPU), whatever the answer does to its clocks.
    """
    (job_dir / "work").mkdir(exist_ok=True)
    stderr_path = job_dir / "stderr.txt"
    cpu_seconds = int(timeout * max(1, threads)) + 30
    if cpu_limit is not None:
        cpu_seconds = min(cpu_seconds, max(1, math.ceil(cpu_limit)))
    cgroup = _pids_cgroup()
    start = time.monotonic()
    try:
        with open(stderr_path, "wb") as stderr, tempfile.TemporaryFile() as account:
            process = subprocess.Popen(command(job_dir, hidden, ["python", "-P", "-B", str(REAPER), "--", *argv]),
                                       stdin=subprocess.DEVNULL, stdout=account, stderr=stderr,
                                       start_new_session=True, preexec_fn=_limits(memory_bytes, cpu_seconds, cgroup))
            returncode, seconds, timed_out = _wait(process, timeout, start)
            account.seek(0)
            cpu = _counted_cpu(account.read(4096), returncode)
        storm = cgroup is not None and _limit_was_hit(cgroup)
    finally:
        if cgroup is not None:
            _remove_cgroup(cgroup)
    return Outcome(returncode, seconds, timed_out, _tail(stderr_path), storm, cpu)


def _counted_cpu(account: bytes, returncode: int | None) -> float | None:
    """The reaper's CPU count, if it can be trusted: exactly one line, and the same return code as bwrap's.

    The answer may reach the reaper's output (through ``/proc``): a line it adds makes two, and a
    reaper it killed or stopped writes none or ends with another code.
    """
    lines = account.splitlines()
    if len(lines) != 1 or returncode is None:
        return None
    try:
        counted = json.loads(lines[0])
        cpu = counted["cpu_seconds"]
    except (ValueError, KeyError, TypeError):
        return None
    if counted.get("returncode") != returncode or type(cpu) is not float or not 0 <= cpu < math.inf:
        return None
    return cpu


def _limit_was_hit(cgroup: Path) -> bool:
    """Whether a fork in the sandbox was refused by the pids cgroup (``pids.events``: ``max N``)."""
    try:
        return any(line.split()[0] == "max" and int(line.split()[1]) > 0
                   for line in (cgroup / "pids.events").read_text().splitlines())
    except (OSError, ValueError, IndexError):
        return False


def process_limit() -> str:
    """How a fork storm is stopped here: a pids cgroup (root), RLIMIT_NPROC (other users), or only the timeout."""
    if os.getuid() != 0:
        return "rlimit"
    cgroup = _pids_cgroup()
    if cgroup is None:
        return "timeout"
    _remove_cgroup(cgroup)
    return "cgroup"


def _pids_cgroup() -> Path | None:
    """A fresh pids cgroup capped at :data:`EXTRA_PROCESSES`, where root can make one; else None."""
    if os.getuid() != 0:
        return None
    for root in PIDS_CGROUPS:
        if not (root / "cgroup.procs").is_file():
            continue
        try:
            cgroup = Path(tempfile.mkdtemp(prefix="course-grade-", dir=root))
        except OSError:
            continue
        try:
            (cgroup / "pids.max").write_text(str(EXTRA_PROCESSES))
            return cgroup
        except OSError:  # not a hierarchy with the pids controller
            _remove_cgroup(cgroup)
    return None


def _remove_cgroup(cgroup: Path) -> None:
    """Remove the cgroup, first killing anything still in it (processes that escaped the session)."""
    for _ in range(200):
        try:
            cgroup.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            for pid in (cgroup / "cgroup.procs").read_text().split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            time.sleep(0.05)


def _wait(process: subprocess.Popen, timeout: float, start: float) -> tuple[int | None, float, bool]:
    with _running_lock:
        _running.add(process)
    try:
        returncode, timed_out = process.wait(timeout=timeout), False
    except subprocess.TimeoutExpired:
        returncode, timed_out = None, True
    finally:  # also on Ctrl-C in the grader: the sandbox goes down with it
        _kill(process)
        with _running_lock:
            _running.discard(process)
    return returncode, time.monotonic() - start, timed_out


def kill_all() -> None:
    """Kill every sandbox still running (the grader was interrupted)."""
    with _running_lock:
        running = list(_running)
    for process in running:
        _kill(process)


def _kill(process: subprocess.Popen) -> None:
    """Kill bwrap's session; its PID namespace takes every process the answer started with it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _tail(path: Path, limit: int = 2000) -> str:
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - limit))
        return handle.read().decode("utf-8", "replace")
