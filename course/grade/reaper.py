"""The answer's parent in the sandbox: start the answer's process, reap every process it leaves, count their CPU time.

For each answer the zygote (:mod:`course.grade.zygote`) forks a process that calls :func:`count`. It
starts the answer, becomes the subreaper of everything the answer starts (an orphan comes back to
it, not to the zygote), and when the answer's process ends it kills what is left and reaps it all.
The kernel hands each reaped process's CPU time to whoever reaps it, so the sum is the CPU time of
every process the answer ran, counted by the kernel and not by any clock the answer could reach.

The total is written as one line of JSON, ``{"returncode": R, "cpu_seconds": S}`` (:func:`account`),
to a pipe only this process holds, and the process exits as the answer did (128 + N for signal N).
The grader (``course.grade.sandbox``) accepts the account only when this process exited normally
with that code and wrote exactly one line: an answer that kills or stops its reaper leaves none.

Standard library only: it is copied into the sandbox with the runtime, without the rest of the course.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
from typing import Callable

PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36


def prctl(option: int, value: int) -> None:
    if ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}, {value}) failed")


def exit_code(status: int) -> int:
    """The shell's code for a wait status: the exit code, or 128 + N for signal N."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def count(start: Callable[[], int]) -> tuple[int | None, float]:
    """Start the answer (``start`` returns its pid), reap it and everything it left; its code and CPU seconds."""
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    prctl(PR_SET_DUMPABLE, 0)  # its memory and open files are out of the answer's reach (/proc, ptrace)
    answer = start()
    cpu, returncode = 0.0, None
    while True:
        try:
            pid, status, usage = os.wait4(-1, 0)
        except ChildProcessError:
            break
        cpu += usage.ru_utime + usage.ru_stime
        if pid == answer:
            returncode = exit_code(status)
            kill_the_rest()
    return returncode, cpu


def account(returncode: int | None, cpu: float) -> bytes:
    return (json.dumps({"returncode": returncode, "cpu_seconds": cpu}) + "\n").encode()


def kill_the_rest() -> None:
    """Every process left in the sandbox's PID namespace but this one and init (-1: all we may signal)."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass
