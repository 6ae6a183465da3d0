"""Run answers in a sandbox: their own processes, namespaces and limits, seeing none of the course.

bubblewrap (``bwrap``) gives the sandbox a read-only view of the system with the course directory,
the data, the submissions, the grader's output and the grader's temporary folder hidden behind
empty tmpfs mounts, a private ``/tmp``, no network, its own PID namespace (so every process in it
dies with it) and no way to undo any of that. The only writable places are the job folder, bound at
``/tmp/grading``, and the sandbox's own ``/tmp``, ``/dev`` and ``/dev/shm``. Resource limits cap
memory, processes, file size and CPU time; a timeout kills the answer's processes.

Starting Python and importing torch takes seconds, an answer often less. So each grading thread
has a zygote (:mod:`course.grade.zygote`): a sandbox whose first process has imported the runner's
modules and forks one process per answer. The reaper (:mod:`course.grade.reaper`) between the
zygote and the answer counts the CPU time of every process the answer runs, so that an exercise
with a time budget is timed by the kernel, not by the answer. After each answer the zygote kills
every process left, wipes every writable place and checks that nothing the next answer could see
has changed; a zygote that cannot, that dies, answers late or garbles the protocol is killed with
its whole sandbox, and the next answer gets a new one.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import resource
import select
import shutil
import signal
import stat
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
           "autograder/exercises/__init__.py", "course/grade/reaper.py", "course/grade/zygote.py",
           "autograder/models.py",  # the model description the probes of network and lenet share
           "autograder/spies.py")  # the watched loader, model and loss of the training-loop probes
"""What the sandbox may import from the course: the probes, the helper students have anyway (and the zygote and reaper)."""

EXERCISE_RUNTIME = ("__init__.py", "probe.py", "exercise.toml", "messages.*.toml")
"""Of each exercise's folder, what its probe needs: never its judge, reference, cases or samples."""

ZYGOTE = INSIDE / "runtime" / "course" / "grade" / "zygote.py"

STARTUP_SECONDS = 120
"""How long a zygote may take to import the runner's modules (at least the answer's timeout)."""

REPLY_MARGIN = 30
"""Seconds past an answer's timeout before the grader stops waiting for the zygote and kills its sandbox."""

WIPE_SECONDS = 60
"""How long the wipe between two answers may take before the zygote is killed."""

EXTRA_PROCESSES = 64
"""Processes an answer may start (DataLoader workers); a fork storm stops there."""

MAX_FILE_BYTES = 256 * 2**20
"""Largest file the answer may write: an output flood is stopped (SIGXFSZ) and reported."""

PIDS_CGROUPS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"), Path("/sys/fs/cgroup/unified"))
"""Where a pids cgroup can cap a sandbox's processes: Linux exempts root from RLIMIT_NPROC."""


_zygotes: dict[int, "Zygote"] = {}
"""Each grading thread's zygote, by thread id."""
_zygotes_lock = threading.Lock()


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


def command(folder: Path, hidden: list[Path], argv: list[str]) -> list[str]:
    """The bwrap command line that runs ``argv`` in a sandbox with ``folder/job`` as its job folder.

    ``folder/runtime`` is mounted read-only in the job folder; the grader's temporary folder (where
    every job folder lives) is hidden, so no sandbox sees another's job. ``argv`` runs as the
    namespace's pid 1 (``--as-pid-1``): no bwrap process an answer could ptrace stays in the sandbox.
    ``/dev/mqueue`` lets the zygote find the POSIX message queues an answer left.
    """
    prefix = Path(sys.prefix).resolve()
    args = [bwrap(), "--ro-bind", "/", "/", "--dev", "/dev", "--mqueue", "/dev/mqueue", "--proc", "/proc",
            "--tmpfs", "/tmp"]
    hidden = [*hidden, Path(tempfile.gettempdir())]
    for path in _outermost(hidden):
        if path != Path("/tmp"):
            args += ["--tmpfs", str(path)]
    if any(prefix.is_relative_to(path) for path in hidden):
        args += ["--ro-bind", str(prefix), str(prefix)]  # a venv inside the course directory
    for device in sorted(Path("/dev").glob("nvidia*")):
        args += ["--dev-bind-try", str(device), str(device)]
    args += ["--bind", str(folder / "job"), str(INSIDE), "--ro-bind", str(folder / "runtime"), str(INSIDE / "runtime"),
             "--chdir", str(INSIDE), "--unshare-all", "--as-pid-1", "--uid", "65534", "--gid", "65534",
             "--die-with-parent", "--new-session", "--cap-drop", "ALL",
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


def _limits(memory_bytes: int, cgroup: Path | None):
    """The zygote's limits, set in the child between fork and exec; each answer's process lowers its own."""
    processes = _processes_of_this_user() + EXTRA_PROCESSES

    def apply() -> None:
        if cgroup is not None:
            (cgroup / "cgroup.procs").write_text("0")
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

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
    """Run ``argv`` in this thread's zygote with ``job_dir``'s files as its job folder; end it all at ``timeout``.

    ``cpu_limit`` (seconds), when given, lowers each process's CPU limit below what ``timeout``
    allows: the kernel stops a process there (SIGXCPU), whatever the answer does to its clocks.
    What the answer leaves in the job folder (``outputs.*``, ``stderr.txt``) comes back to ``job_dir``.
    """
    cpu_seconds = int(timeout * max(1, threads)) + 30
    if cpu_limit is not None:
        cpu_seconds = min(cpu_seconds, max(1, math.ceil(cpu_limit)))
    return _zygote(hidden, memory_bytes).run(job_dir, argv, timeout=timeout, memory_bytes=memory_bytes,
                                             cpu_seconds=cpu_seconds)


def _counted_cpu(account: bytes, returncode: int | None) -> float | None:
    """The reaper's CPU count, if it can be trusted: exactly one line, and the code the reaper exited with.

    Should the answer reach the reaper's pipe, a line it adds makes two; a reaper it killed or
    stopped writes none or ends with another code.
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


def _refused_forks(cgroup: Path | None) -> int:
    """How many forks in the sandbox the pids cgroup refused so far (``pids.events``: ``max N``)."""
    if cgroup is None:
        return 0
    try:
        return sum(int(line.split()[1]) for line in (cgroup / "pids.events").read_text().splitlines()
                   if line.split()[0] == "max")
    except (OSError, ValueError, IndexError):
        return 0


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


class Zygote:
    """A sandbox whose first process has imported the runner's modules: one grading thread's, for its answers."""

    def __init__(self, hidden: list[Path], memory_bytes: int):
        self.key = (tuple(hidden), memory_bytes)
        self.folder = Path(tempfile.mkdtemp(prefix="course-zygote-"))
        self.job = self.folder / "job"
        (self.job / "runtime").mkdir(parents=True)
        copy_runtime(self.folder)
        self.cgroup = _pids_cgroup()
        requests, self.requests = os.pipe()
        self.replies, replies = os.pipe()
        self.buffer, self.asked, self.ready = b"", 0, False
        with open(self.folder / "zygote.log", "wb") as log:
            self.process = subprocess.Popen(
                command(self.folder, hidden, ["python", "-P", "-B", str(ZYGOTE), str(requests), str(replies)]),
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, pass_fds=(requests, replies),
                start_new_session=True, preexec_fn=_limits(memory_bytes, self.cgroup))
        os.close(requests)
        os.close(replies)

    def serves(self, hidden: list[Path], memory_bytes: int) -> bool:
        return self.key == (tuple(hidden), memory_bytes) and self.process.poll() is None

    def run(self, job_dir: Path, argv: list[str], *, timeout: float, memory_bytes: int, cpu_seconds: int) -> Outcome:
        """One answer: stage its job, let the zygote run it, take its results back, have the zygote wipe it all."""
        start = time.monotonic()
        if not self.ready:
            reply, why = self._reply(max(STARTUP_SECONDS, timeout))
            if reply is None or not reply.get("ready"):
                return self._failed(why, start, self.folder / "zygote.log", _refused_forks(self.cgroup))
            self.ready = True
        self._stage(job_dir)
        refused = _refused_forks(self.cgroup)
        reply, why = self._ask({"op": "run", "argv": argv, "timeout": timeout, "memory_bytes": memory_bytes,
                                "cpu_seconds": cpu_seconds, "file_bytes": MAX_FILE_BYTES}, timeout + REPLY_MARGIN)
        if reply is None:
            return self._failed(why, start, self.job / "stderr.txt", refused)
        self._collect(job_dir)
        storm = _refused_forks(self.cgroup) > refused
        returncode, timed_out = reply.get("returncode"), reply.get("timed_out") is True
        outcome = Outcome(returncode, time.monotonic() - start, timed_out, _tail(job_dir / "stderr.txt"), storm,
                          _counted_cpu(str(reply.get("account", "")).encode(), returncode))
        wiped, _ = self._ask({"op": "wipe"}, WIPE_SECONDS)
        if wiped is None or wiped.get("clean") is not True:  # the next answer gets a new zygote
            self.kill()
        return outcome

    def _stage(self, job_dir: Path) -> None:
        """The grader's files for this answer (job.json, inputs) into the zygote's empty job folder."""
        job_dir.mkdir(parents=True, exist_ok=True)
        for path in job_dir.iterdir():
            if path.is_file() and not path.is_symlink():
                shutil.copyfile(path, self.job / path.name)

    def _collect(self, job_dir: Path) -> None:
        """The answer's results and standard error, plain files only, back into ``job_dir``."""
        for name in os.listdir(self.job):
            source = self.job / name
            if (name.startswith("outputs.") or name == "stderr.txt") and stat.S_ISREG(os.lstat(source).st_mode):
                shutil.move(source, job_dir / name)

    def _failed(self, why: str, start: float, stderr: Path, refused: int) -> Outcome:
        """The outcome of an answer whose zygote died, answered late or garbled the protocol; the zygote is killed."""
        tail = _tail(stderr)
        if why == "ended":
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        returncode = self.process.returncode if why == "ended" else None
        return Outcome(returncode, time.monotonic() - start, why == "late", tail, _refused_forks(self.cgroup) > refused)

    def _ask(self, request: dict, seconds: float) -> tuple[dict | None, str]:
        self.asked += 1
        try:
            os.write(self.requests, (json.dumps({**request, "id": self.asked}) + "\n").encode())
        except OSError:
            return None, "ended"
        reply, why = self._reply(seconds)
        if reply is not None and reply.get("id") != self.asked:
            return None, "garbled"
        return reply, why

    def _reply(self, seconds: float) -> tuple[dict | None, str]:
        """The zygote's next line as JSON, or None and why: it "ended", was "late" or sent something "garbled"."""
        deadline = time.monotonic() + seconds
        while b"\n" not in self.buffer:
            if not select.select([self.replies], [], [], max(0.0, deadline - time.monotonic()))[0]:
                return None, "late"
            chunk = os.read(self.replies, 65536)
            if not chunk:
                return None, "ended"
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        try:
            reply = json.loads(line)
        except ValueError:
            return None, "garbled"
        return (reply, "") if isinstance(reply, dict) else (None, "garbled")

    def kill(self) -> None:
        """Kill bwrap's session: its PID namespace takes every process in the sandbox with it."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def close(self) -> None:
        self.kill()
        for fd in (self.requests, self.replies):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.cgroup is not None:
            _remove_cgroup(self.cgroup)
        shutil.rmtree(self.folder, ignore_errors=True)


def _zygote(hidden: list[Path], memory_bytes: int) -> Zygote:
    """This thread's zygote, started (again) when it has none, it died, or it was made for other limits."""
    thread = threading.get_ident()
    with _zygotes_lock:
        zygote = _zygotes.get(thread)
    if zygote is not None and zygote.serves(hidden, memory_bytes):
        return zygote
    if zygote is not None:
        zygote.close()
    zygote = Zygote(hidden, memory_bytes)
    with _zygotes_lock:
        _zygotes[thread] = zygote
    return zygote


@atexit.register
def kill_all() -> None:
    """Kill every zygote and the answers it runs (the grader was interrupted, or ends)."""
    with _zygotes_lock:
        zygotes = list(_zygotes.values())
        _zygotes.clear()
    for zygote in zygotes:
        zygote.close()


def _tail(path: Path, limit: int = 2000) -> str:
    if not path.is_file():
        return ""
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - limit))
        return handle.read().decode("utf-8", "replace")
