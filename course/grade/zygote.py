"""The zygote: one Python in the sandbox that imports the runner's modules once and forks a fresh process per answer.

``import torch`` takes seconds; an answer takes milliseconds to fork. The grader
(``course.grade.sandbox``) starts this file as the first process of a bubblewrap sandbox (pid 1 of
its PID namespace, ``bwrap --as-pid-1``); it imports what ``python -m autograder.runner`` imports,
draws from no random generator, changes no default, and serves one JSON line at a time on two
pipes only it holds (their numbers are its arguments):

``{"op": "run", "id", "argv", "timeout", "memory_bytes", "cpu_seconds", "file_bytes"}``
    Fork the answer's reaper (:mod:`course.grade.reaper`), which forks the answer under those
    limits in a fresh ``/tmp/grading/work``. ``python -P -B -m autograder.runner JOB`` runs in the
    forked process as ``-m`` would run it; any other ``argv`` is exec'd. The reply, when the reaper
    ended or at ``timeout``: ``{"id", "returncode", "timed_out", "account"}`` (the reaper's line).
``{"op": "wipe", "id"}``
    Kill every process left, remove what the answer left in every place it could write (the job
    folder, ``/tmp``, ``/dev``, ``/dev/shm``, POSIX and System V IPC, keyrings), and compare the
    sandbox and this process with how they were before the first answer. The reply is ``{"id",
    "clean", "why"}``; unclean, the zygote exits and the grader starts another one.

Why an answer cannot reach the next one through the zygote: the zygote is not dumpable (no
``/proc/PID/mem``, no ptrace, no ``/proc/PID/fd``), it is the namespace's init (the kernel drops
every signal an answer sends it), its pipes are closed in the answer's processes, and whatever of
its own state an answer can change from outside (rlimits with ``prlimit``, nice, CPU affinity, OOM
score) is checked after every answer. Everything else an answer changes dies with its process.

Standard library only (and the runner's modules): this file runs inside the sandbox.
"""

from __future__ import annotations

import atexit
import ctypes
import importlib
import json
import os
import resource
import runpy
import select
import signal
import stat
import sys
import time
import traceback

from course.grade import reaper

JOB = "/tmp/grading"
WORK = JOB + "/work"
WRITABLE = ("/tmp", "/dev", "/dev/shm", "/dev/mqueue", JOB)
"""Every place the sandbox's user can write (``/`` is read-only, the runtime a read-only mount)."""

PRELOADED = "autograder.runner"
IN_PROCESS = ["python", "-P", "-B", "-m", PRELOADED]
"""The command the zygote runs by forking, not exec'ing: what it imported for."""

TORCH_FIXED_SEED = 67280421310721
"""The seed of torch's default generator in a fresh process, in the versions that did not draw one."""

SYSCALLS = {"x86_64": {"keyctl": 250, "ioprio_get": 252}, "aarch64": {"keyctl": 219, "ioprio_get": 31}}
KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_CLEAR, KEYCTL_READ = 1, 7, 11
KEYRINGS = {"session": -3, "user": -4, "user-session": -5}
IPC_RMID = 0

_pipes: tuple[int, ...] = ()
"""The zygote's request and reply pipes: closed in every process it forks."""

_home: dict[str, bytes | None] = {}
"""What the imports wrote in HOME (the work folder): matplotlib's font cache, for one. A fresh runner
finds it there; each answer gets it again from here, the zygote's memory, which no answer can reach."""


def main(requests: int, replies: int) -> int:
    global _pipes
    _pipes = (requests, replies)
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # pid 1 without a handler: no signal from inside reaches it
    reaper.prctl(reaper.PR_SET_DUMPABLE, 0)
    _keyctl(KEYCTL_JOIN_SESSION_KEYRING, 0)  # a session keyring of its own, not the grader's
    _clear_keyrings()  # and the user keyrings made, as the wipe leaves them
    preload()
    _home.update(_read_tree(WORK))
    if os.path.lexists(WORK):
        _remove(WORK)
    _refuse_other_traces_of_the_imports()
    before = state()
    _send(replies, {"ready": True})
    lines = _Lines(requests)
    while (line := lines.next()) is not None:
        request = json.loads(line)
        if request["op"] == "run":
            _send(replies, {"id": request["id"], **run(request)})
        elif request["op"] == "wipe":
            why = wipe(before)
            _send(replies, {"id": request["id"], "clean": why is None, "why": why})
            if why is not None:
                return 1
        else:
            return 2
    return 0


def _read_tree(root: str) -> dict[str, bytes | None]:
    """Every file (bytes) and folder (None) under ``root``, by path relative to it."""
    tree = {}
    for folder, folders, files in os.walk(root):
        for name in folders:
            tree[os.path.relpath(os.path.join(folder, name), root)] = None
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                tree[os.path.relpath(os.path.join(folder, name), root)] = handle.read()
    return tree


def _write_tree(root: str, tree: dict[str, bytes | None]) -> None:
    os.mkdir(root)
    for path, content in sorted(tree.items()):
        if content is None:
            os.mkdir(os.path.join(root, path))
        else:
            with open(os.path.join(root, path), "wb") as handle:
                handle.write(content)


def preload() -> None:
    """Import what the runner imports, then forget the runner itself: ``-m`` runs it as ``__main__``, once."""
    importlib.import_module(PRELOADED)
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_initialized():
        raise RuntimeError("the runner's imports started CUDA, which no forked process could use")
    package, _, name = PRELOADED.rpartition(".")
    del sys.modules[PRELOADED]
    delattr(sys.modules[package], name)


def _refuse_other_traces_of_the_imports() -> None:
    """Files the imports wrote anywhere but HOME would be shared by every answer, which could change them."""
    for root, expected in (("/tmp", {"grading"}), ("/dev/shm", set()), ("/dev/mqueue", set()), (JOB, {"runtime"})):
        extra = sorted(set(os.listdir(root)) - expected - _mounts_below(root))
        if extra:
            raise RuntimeError(f"the runner's imports wrote {extra} in {root}")


def _mounts_below(root: str) -> set[str]:
    """Names in ``root`` that lead to a mount of the sandbox (a course, venv or grading folder hidden or bound
    below ``/tmp``, as in a checkout under ``/tmp``): bwrap made them, not the imports."""
    names = set()
    with open("/proc/self/mountinfo", encoding="utf-8") as mounts:
        for line in mounts:
            target = line.split()[4].encode().decode("unicode_escape")  # mountinfo writes a space as \040
            if target.startswith(root.rstrip("/") + "/"):
                names.add(target[len(root.rstrip("/")) + 1:].split("/")[0])
    return names


class _Lines:
    """Lines from a pipe, read with ``os.read`` (no file object a forked answer could close by accident)."""

    def __init__(self, fd: int):
        self.fd, self.buffer = fd, b""

    def next(self) -> bytes | None:
        while b"\n" not in self.buffer:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


def _send(fd: int, reply: dict) -> None:
    os.write(fd, (json.dumps(reply) + "\n").encode())


# One answer ---------------------------------------------------------------------------------------

def run(request: dict) -> dict:
    """Fork the answer's reaper, wait for it until the timeout, then end every process of the answer."""
    _write_tree(WORK, _home)
    account_read, account_write = os.pipe()
    deadline = time.monotonic() + request["timeout"]
    reaper_pid = os.fork()
    if reaper_pid == 0:
        _child(lambda: _reaper(request, account_write), account_read)
    os.close(account_write)
    ended = _wait(reaper_pid, deadline)
    status = end_everything(reaper_pid)
    account = _read_all(account_read)
    return {"returncode": reaper.exit_code(status) if ended and status is not None else None,
            "timed_out": not ended, "account": account.decode("utf-8", "replace")}


def _child(body, *close: int) -> None:
    """Run ``body`` in a forked process that never returns into the zygote's loop."""
    global _pipes
    code = 1
    try:
        for fd in (*_pipes, *close):
            os.close(fd)
        _pipes = ()
        code = body()
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def _reaper(request: dict, account_write: int) -> int:
    returncode, cpu = reaper.count(lambda: _fork_answer(request, account_write))
    os.write(account_write, reaper.account(returncode, cpu))
    return returncode if returncode is not None else 1


def _fork_answer(request: dict, account_write: int) -> int:
    pid = os.fork()
    if pid == 0:
        _child(lambda: answer(request), account_write)
    return pid


def _wait(pid: int, deadline: float) -> bool:
    """Whether process ``pid`` ended before ``deadline``."""
    pidfd = os.pidfd_open(pid)
    try:
        return bool(select.select([pidfd], [], [], max(0.0, deadline - time.monotonic()))[0])
    finally:
        os.close(pidfd)


def end_everything(watched: int | None = None) -> int | None:
    """Kill and reap every process of the sandbox but this one; the wait status of ``watched``, if reaped.

    As pid 1, the zygote inherits every orphan, so once it has no children left nothing else runs.
    """
    status = None
    for _ in range(100):
        reaper.kill_the_rest()
        while True:
            try:
                pid, code = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            if pid == watched:
                status = code
        if not [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]:
            return status
    raise RuntimeError("processes outlive SIGKILL")


def _read_all(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    os.close(fd)
    return data


# In the answer's process ---------------------------------------------------------------------------

def answer(request: dict) -> int:
    """Become the answer's process: limits, standard streams, working folder, then the command."""
    _limits(request)
    null = os.open("/dev/null", os.O_RDWR)
    errors = os.open(JOB + "/stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for fd, target in ((null, 0), (null, 1), (errors, 2)):
        os.dup2(fd, target)
    os.close(null)
    os.close(errors)
    os.chdir(WORK)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # as Python sets it at start
    reaper.prctl(reaper.PR_SET_DUMPABLE, 1)  # as any fresh process is: its own, not the zygote's
    _reseed()
    argv = request["argv"]
    if argv[:len(IN_PROCESS)] == IN_PROCESS:
        _run_module(argv[len(IN_PROCESS):])
    os.execvp(argv[0], argv)


def _limits(request: dict) -> None:
    memory, cpu, size = request["memory_bytes"], request["cpu_seconds"], request["file_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))


def _reseed() -> None:
    """Seed again the generators a fresh process seeds from the OS: each answer draws its own numbers.

    torch's default generator once started from a fixed seed (:data:`TORCH_FIXED_SEED`), which a
    fresh process has too; newer versions seed it from the OS at import, as Python's ``random`` does.
    """
    for name in ("random", "numpy.random"):
        module = sys.modules.get(name)
        if module is not None:
            module.seed()
    torch = sys.modules.get("torch")
    if torch is not None and torch.initial_seed() != TORCH_FIXED_SEED:
        torch.seed()


def _run_module(args: list[str]) -> None:
    """``python -m PRELOADED ARGS`` from here on: run it as ``__main__``, then exit as Python would."""
    sys.argv = [PRELOADED, *args]  # run_module puts the module's file first, as -m does
    code = 0
    try:
        runpy.run_module(PRELOADED, run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        code = _exit_status(stop.code)
    except KeyboardInterrupt:
        traceback.print_exc()
        code = 128 + signal.SIGINT
    except BaseException:
        traceback.print_exc()
        code = 1
    _exit_as_python(code)


def _exit_status(code) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def _exit_as_python(code: int) -> None:
    """Python's own exit: wait for non-daemon threads, run atexit functions, flush the streams."""
    try:
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        os._exit(code)


# Between answers -----------------------------------------------------------------------------------

def wipe(before: dict) -> str | None:
    """Remove everything an answer left; why the sandbox is not as it was before the first answer, or None."""
    try:
        end_everything()
        for root in WRITABLE:
            for name in set(os.listdir(root)) - set(before["files"][root]):
                _remove(os.path.join(root, name))
        _remove_ipc()
        _clear_keyrings()
        after = state()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    changed = sorted(key for key in before if before[key] != after[key])
    return f"changed: {', '.join(changed)}" if changed else None


def _remove(path: str) -> None:
    if os.path.ismount(path):
        raise RuntimeError(f"{path} is a mount point")
    if stat.S_ISDIR(os.lstat(path).st_mode):
        os.chmod(path, 0o700)
        for name in os.listdir(path):
            _remove(os.path.join(path, name))
        os.rmdir(path)
    else:
        os.unlink(path)


def state() -> dict:
    """What an answer could change for the next one: the writable places, IPC, keyrings, this process's limits."""
    return {
        "files": {root: {name: _shape(os.path.join(root, name)) for name in os.listdir(root)} for root in WRITABLE},
        "roots": {root: _shape(root) for root in WRITABLE},
        "ipc": {kind: _ipc_ids(kind) for kind in ("shm", "sem", "msg")},
        "keys": {name: _keyctl(KEYCTL_READ, keyring) for name, keyring in KEYRINGS.items()},
        "limits": {name: resource.getrlimit(getattr(resource, name)) for name in dir(resource) if name.startswith("RLIMIT_")},
        "process": (os.getpriority(os.PRIO_PROCESS, 0), sorted(os.sched_getaffinity(0)), _syscall("ioprio_get", 1, 0),
                    _read("/proc/self/oom_score_adj"), _read("/proc/self/coredump_filter"), os.getcwd()),
    }


def _shape(path: str) -> tuple:
    """A file's kind, owner, permissions and device: not its times or inode (new files, new numbers)."""
    info = os.lstat(path)
    return info.st_mode, info.st_uid, info.st_gid, info.st_rdev, info.st_dev, os.path.ismount(path)


def _read(path: str) -> str:
    with open(path, encoding="ascii") as handle:
        return handle.read()


def _ipc_ids(kind: str) -> list[int]:
    """The System V IPC objects of this IPC namespace (``/proc/sysvipc``: key, then id)."""
    with open(f"/proc/sysvipc/{kind}", encoding="ascii") as handle:
        return sorted(int(line.split()[1]) for line in handle.readlines()[1:] if line.strip())


def _remove_ipc() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for ident in _ipc_ids("shm"):
        libc.shmctl(ident, IPC_RMID, None)
    for ident in _ipc_ids("sem"):
        libc.semctl(ident, 0, IPC_RMID)
    for ident in _ipc_ids("msg"):
        libc.msgctl(ident, IPC_RMID, None)


def _clear_keyrings() -> None:
    for keyring in KEYRINGS.values():
        _keyctl(KEYCTL_CLEAR, keyring)


def _keyctl(operation: int, keyring: int) -> int:
    """``keyctl(operation, keyring)``; READ with no buffer gives the keyring's size (0: empty)."""
    return _syscall("keyctl", operation, keyring, 0, 0)


def _syscall(name: str, *args: int) -> int:
    number = SYSCALLS.get(os.uname().machine, {}).get(name)
    if number is None:
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.syscall(ctypes.c_long(number), *(ctypes.c_long(a) for a in args))


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
