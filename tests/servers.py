"""Servers the queue tests start and stop themselves: redis-server, PostgreSQL, course workers.

Every one listens on 127.0.0.1 on a free port, is waited for by asking it (a ping, ``pg_isready``, a Celery
ping naming the worker) until a deadline, never by a fixed sleep, and is stopped and its files removed
even when a test fails (context managers). PostgreSQL runs as the ``postgres`` user when the tests run
as root (initdb refuses root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEADLINE = 60.0
"""Seconds a server may take to answer after it starts (a bound for a broken start, not a measure)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(ready, what: str, deadline: float = DEADLINE, process: subprocess.Popen | None = None) -> None:
    """Ask ``ready()`` until it is true; fail after ``deadline`` seconds or when ``process`` ended."""
    end = time.monotonic() + deadline
    while not ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before it was ready")
        if time.monotonic() > end:
            raise TimeoutError(f"{what} not ready after {deadline:g} s")
        time.sleep(0.05)  # the polling interval of a readiness check, not a wait for an event


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` now."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


# --- Redis ---------------------------------------------------------------------------------------------

class Redis:
    """A redis-server without persistence (a restart empties it, the hardest case for the grader)."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder, self.port = folder, port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "Redis":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self.answers, f"redis-server on port {self.port}", process=self.process)
        return self

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@contextmanager
def redis_server(folder: Path):
    server = Redis(folder)
    try:
        yield server.start()
    finally:
        server.stop()


# --- PostgreSQL ----------------------------------------------------------------------------------------

def pg_tool(name: str) -> str | None:
    """A PostgreSQL program: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: p.parts[-3])
    return str(candidates[-1]) if candidates else None


def have_postgres() -> bool:
    return all(pg_tool(name) for name in ("initdb", "pg_ctl", "pg_isready"))


@contextmanager
def postgres_server():
    """A fresh PostgreSQL cluster (trust authentication, 127.0.0.1 only); yields its SQLAlchemy URL."""
    as_user = []
    folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
    if os.getuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()
    try:
        subprocess.run([*as_user, pg_tool("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
                       check=True, capture_output=True, timeout=120)
        subprocess.run([*as_user, pg_tool("pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60",
                        "-o", f"-h 127.0.0.1 -p {port} -k {folder}", "start"], check=True, capture_output=True,
                       timeout=120)
        wait_until(lambda: subprocess.run([pg_tool("pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                                          capture_output=True).returncode == 0, f"PostgreSQL on port {port}")
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([*as_user, pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


# --- course workers ------------------------------------------------------------------------------------

class Worker:
    """``python -m course worker`` in its own process group, ready once it answers a Celery ping by name."""

    def __init__(self, url: str, *args: str, env: dict | None = None, version: str | None = None):
        self.url = url
        threads = str(max(1, (os.cpu_count() or 1) // 2))  # as local grading with --jobs 2
        command = [sys.executable, "-m", "course", "worker", "--queue", url, "--threads", threads, *args]
        if version is not None:  # a worker of another course version
            command = [sys.executable, "-c", "import sys, course.grade.results as r; "
                       f"r.course_version = lambda: {version!r}; from course.__main__ import main; "
                       "sys.exit(main(sys.argv[1:]))", *command[3:]]
        self.log = tempfile.NamedTemporaryFile(prefix="course-worker-", suffix=".log", delete=False)
        self.process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **(env or {})}, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.name = f"course-{self.process.pid}@{socket.gethostname()}"

    def wait_ready(self) -> "Worker":
        import redis

        from course.grade.queue import app_for

        app = app_for(self.url)

        def answers() -> bool:
            try:
                return any(self.name in reply for reply in app.control.ping([self.name], timeout=0.5))
            except redis.ConnectionError:  # kombu's pooled connection to a Redis that has restarted since: the next is new
                return False

        try:
            wait_until(answers, f"worker {self.name}", process=self.process)
        finally:
            app.close()
        return self

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """``sig`` to the worker and its pool processes (its whole process group)."""
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=60)

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
            except ProcessLookupError:
                pass
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


@contextmanager
def workers(url: str, count: int, *args: str, **options):
    started = [Worker(url, *args, **options) for _ in range(count)]
    try:
        for worker in started:
            worker.wait_ready()
        yield started
    finally:
        for worker in started:
            worker.stop()
