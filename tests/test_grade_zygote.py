"""The zygote (``course.grade.zygote``) reuses one sandbox for many answers: none of them may notice another.

An answer that leaves every trace it can (files in every writable place, a daemon that keeps
writing into the job folder, System V shared memory, torch defaults and seeds, patched torch
functions, modules, environment variables) is followed, in the same zygote, by an answer that
reports what it sees; the report must equal the one it gives in a brand-new zygote. Two answers
graded at once (two threads, two zygotes) cannot read each other's job folder. No test here waits
on a clock: the answers wait for files that the other side writes. A zygote an answer changed from
outside (nice, limits) is replaced, and so is one that stops answering (the grader's backstop).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import textwrap
import threading
from pathlib import Path

import pytest

from course.grade import sandbox
from course.grade.judge import Limits, grade_answer
from course.paths import REPO
from helper.data import configured_data_root

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="course grade needs bubblewrap (make test installs it)")

LIMITS = Limits(timeout=120, memory_bytes=8 * 2**30, threads=1)
DAEMON_MARK = "zygote-test-daemon-4242"

SOFTMAX = textwrap.dedent("""
    def softmax(x):
        shifted = x - x.max(dim=1, keepdim=True).values
        return shifted.exp() / shifted.exp().sum(dim=1, keepdim=True)
""")

LEAVES_TRACES = textwrap.dedent(f'''
    import ctypes, glob, os, subprocess, sys, time, types
    import torch
    import torch.nn.functional as F

    for path in ["/tmp/a", "/dev/shm/a", "/tmp/grading/a", os.path.expanduser("~/a"), "/dev/a"]:
        with open(path, "w") as handle:
            handle.write("answer A was here")
    for cache in glob.glob(os.path.expanduser("~/.cache/matplotlib/*.json")):
        with open(cache, "a") as handle:
            handle.write("answer A was here")
    os.makedirs("/tmp/locked/deep")
    os.chmod("/tmp/locked", 0)
    if ctypes.CDLL(None).shmget(4242, 4096, 0o1666) < 0:
        raise OSError("no System V shared memory")
    DAEMON = """# {DAEMON_MARK}
    import os, time
    while True:
        for folder in ("/tmp/grading", "/tmp/grading/work", "/tmp", "/dev/shm"):
            try:
                with open(os.path.join(folder, "daemon"), "w") as handle:
                    handle.write("the daemon of answer A is alive")
            except OSError:
                pass
        time.sleep(0.01)
    """
    subprocess.Popen([sys.executable, "-c", DAEMON], start_new_session=True, stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not os.path.exists("/tmp/grading/work/daemon"):  # the daemon runs before the answer ends
        time.sleep(0.01)
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(1234)
    torch.softmax = torch.exp = lambda *args, **kwargs: None
    F.softmax = lambda *args, **kwargs: None
    sys.modules["answer_a"] = types.ModuleType("answer_a")
    os.environ["ANSWER_A"] = "was here"
    os.umask(0)
''') + SOFTMAX

REPORTS = textwrap.dedent('''
    import glob, hashlib, json, os, resource, signal, sys
    import torch
    import torch.nn.functional as F


    def digest(value):
        return hashlib.sha256(json.dumps(value, sort_keys=True, default=repr).encode()).hexdigest()[:8]


    def tree(root):
        seen = []
        for folder, folders, files in os.walk(root):
            folders[:] = sorted(f for f in folders if os.path.join(folder, f) != "/tmp/grading/runtime")
            seen.append((folder, oct(os.lstat(folder).st_mode)))
            for name in sorted(files):
                with open(os.path.join(folder, name), "rb") as handle:
                    content = handle.read()
                # matplotlib's font cache lists fonts in set order, which differs from process to process
                seen.append((name, len(content) if "/.cache/" in folder else hashlib.sha256(content).hexdigest()))
        return seen


    def processes():
        seen = []
        for path in glob.glob("/proc/[0-9]*/cmdline"):
            try:
                with open(path, "rb") as handle:
                    seen.append(handle.read().decode("utf-8", "replace"))
            except OSError:
                pass
        return sorted(seen)


    umask = os.umask(0o22)
    os.umask(umask)
    observed = {
        "files": [tree("/tmp"), tree("/dev/shm"), sorted(os.listdir("/dev")), sorted(os.listdir("/dev/mqueue"))],
        "ipc": [len(open(f"/proc/sysvipc/{kind}").readlines()) for kind in ("shm", "sem", "msg")],
        "procs": processes(),
        "torch": [str(torch.get_default_dtype()), torch.initial_seed() == 1234, torch.get_num_threads(),
                  type(torch.softmax).__name__, type(torch.exp).__name__, F.softmax.__code__.co_filename,
                  F.softmax.__code__.co_firstlineno],
        "modules": sorted(sys.modules),
        "env": sorted(os.environ.items()),
        "process": [sys.argv, os.getcwd(), umask, os.nice(0), sorted(os.sched_getaffinity(0)),
                    [resource.getrlimit(getattr(resource, n)) for n in sorted(dir(resource))
                     if n.startswith("RLIMIT_") and n != "RLIMIT_NPROC"],  # NPROC: from the grader's process count
                    [repr(signal.getsignal(s)) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD)]],
    }
    raise RuntimeError("seen " + " ".join(f"{key}={digest(value)}" for key, value in observed.items()))
''')


@pytest.fixture(autouse=True)
def fresh_zygotes(monkeypatch):
    """No zygote from another test, and no text check: these answers patch and name what an answer may not."""
    monkeypatch.setattr("course.grade.judge.answer_problem", lambda answer, forbidden: None)
    sandbox.kill_all()
    yield
    sandbox.kill_all()


def grade(answer: str, job: Path):
    return grade_answer("softmax", answer, "en", job, [REPO, configured_data_root()], LIMITS)


def this_threads_zygote() -> sandbox.Zygote:
    return sandbox._zygotes[threading.get_ident()]


def host_processes_with(mark: str) -> list[str]:
    found = []
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if mark.encode() in path.read_bytes():
                found.append(path.parent.name)
        except OSError:
            pass
    return found


def test_an_answer_sees_in_a_used_zygote_exactly_what_it_sees_in_a_new_one(tmp_path):
    traces = grade(LEAVES_TRACES, tmp_path / "a")
    assert traces.status == "ok", traces
    zygote = this_threads_zygote()
    after_traces = grade(REPORTS, tmp_path / "b")
    assert this_threads_zygote() is zygote and zygote.process.poll() is None, "the wipe did not leave the zygote clean"
    assert host_processes_with(DAEMON_MARK) == [], "answer A's daemon outlived it"

    sandbox.kill_all()
    in_a_new_zygote = grade(REPORTS, tmp_path / "c")
    assert this_threads_zygote() is not zygote
    assert "seen files=" in in_a_new_zygote.message, in_a_new_zygote
    assert after_traces.message == in_a_new_zygote.message


PEEKS = textwrap.dedent('''
    import os

    SECRET, FOLDERS = {reversed_secret!r}[::-1], {folders!r}  # not in this answer's own job.json
    found = []
    for root in FOLDERS + ["/tmp", "/dev/shm"] + [f"/proc/{{p}}/root/tmp" for p in os.listdir("/proc") if p.isdigit()]:
        for folder, _, files in os.walk(root):
            for name in files:
                try:
                    with open(os.path.join(folder, name), "rb") as handle:
                        if SECRET.encode() in handle.read():
                            found.append(os.path.join(folder, name))
                except OSError:
                    pass
    raise RuntimeError(f"found {{found}} in {{sum(os.path.isdir(f) for f in FOLDERS)}} visible folders")
''')

WAITS_WITH_A_SECRET = textwrap.dedent('''
    import os, time

    with open("/tmp/grading/work/secret", "w") as handle:
        handle.write("{secret}")
    with open("/tmp/grading/work/ready", "w") as handle:
        handle.write("ready")
    while not os.path.exists("/tmp/grading/work/go"):  # the test writes it once the other answer is graded
        time.sleep(0.01)
''') + SOFTMAX


def test_an_answer_cannot_read_the_job_folder_of_an_answer_graded_at_the_same_time(tmp_path):
    secret = "secret-of-the-first-answer-" + tmp_path.name
    verdicts = []
    waiting = threading.Thread(target=lambda: verdicts.append(grade(WAITS_WITH_A_SECRET.format(secret=secret),
                                                                      tmp_path / "first")))
    waiting.start()
    try:
        ready = _ready_job_folder(waiting)
        folders = [str(ready), str(ready.parent), str(tmp_path / "first"), str(tmp_path)]
        peek = grade(PEEKS.format(reversed_secret=secret[::-1], folders=folders), tmp_path / "second")
    finally:
        for folder in Path(tempfile.gettempdir()).glob("course-zygote-*/job/work"):
            if (folder / "ready").exists():
                (folder / "go").write_text("go")
        waiting.join()
    assert peek.status == "error" and "found [] in 0 visible folders" in peek.message, peek
    assert verdicts and verdicts[0].status == "ok", verdicts


def _ready_job_folder(waiting: threading.Thread) -> Path:
    """The first answer's job folder, as the grader sees it, once the answer has written its secret there."""
    while waiting.is_alive():
        for ready in Path(tempfile.gettempdir()).glob("course-zygote-*/job/work/ready"):
            return ready.parent.parent
        waiting.join(timeout=0.05)
    raise AssertionError("the first answer ended before it wrote its secret")


CHANGES_THE_ZYGOTE = textwrap.dedent('''
    import os, resource

    os.setpriority(os.PRIO_PROCESS, 1, 7)  # pid 1 is the zygote: its later children would run at nice 7
    resource.prlimit(1, resource.RLIMIT_NOFILE, (64, 64))  # and with few files
''') + SOFTMAX


def test_a_zygote_an_answer_changed_from_outside_is_replaced(tmp_path):
    """An answer may renice or limit the zygote (same user); the wipe notices, and the next answer gets a new one."""
    changes = grade(CHANGES_THE_ZYGOTE, tmp_path / "a")
    assert changes.status == "ok", changes
    zygote = this_threads_zygote()
    assert zygote.process.poll() is not None, "the wipe did not notice"
    after_changes = grade(REPORTS, tmp_path / "b")
    assert this_threads_zygote() is not zygote
    sandbox.kill_all()
    assert after_changes.message == grade(REPORTS, tmp_path / "c").message


def test_a_zygote_that_stops_answering_is_killed_and_the_answer_timed_out(tmp_path, monkeypatch):
    """The grader's backstop: no reply within the timeout and a margin ends the whole sandbox."""
    monkeypatch.setattr(sandbox, "REPLY_MARGIN", 1)
    assert grade(SOFTMAX, tmp_path / "warm").status == "ok"
    zygote = this_threads_zygote()
    os.kill(_zygote_pid(zygote), signal.SIGSTOP)  # from outside the sandbox: the kernel lets it through
    stuck = grade_answer("softmax", SOFTMAX, "en", tmp_path / "stuck", [REPO, configured_data_root()],
                         Limits(timeout=2, memory_bytes=8 * 2**30, threads=1))
    assert stuck.status == "timeout", stuck
    assert zygote.process.poll() is not None
    assert grade(SOFTMAX, tmp_path / "after").status == "ok" and this_threads_zygote() is not zygote


def _zygote_pid(zygote: sandbox.Zygote) -> int:
    """The zygote's pid outside the sandbox: the child of bwrap that runs zygote.py."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == zygote.process.pid and b"zygote.py" in (stat.parent / "cmdline").read_bytes():
                return int(stat.parent.name)
        except (OSError, ValueError, IndexError):
            continue
    raise AssertionError("no zygote process under its bwrap")

