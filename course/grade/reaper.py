"""The sandbox's first process: run the answer's process, reap every process it leaves, count their CPU time.

``python reaper.py -- COMMAND...`` runs inside the sandbox, before any of the student's code. It starts
COMMAND, becomes the subreaper of everything COMMAND starts (an orphan comes back to it, not to the
sandbox's init), and when COMMAND ends it kills what is left and reaps it all. The kernel hands each
reaped process's CPU time to whoever reaps it, so the sum is the CPU time of every process the
answer ran, counted by the kernel and not by any clock the answer could reach.

The total goes to this process's standard output as one line of JSON, ``{"returncode": R,
"cpu_seconds": S}``, and the reaper exits as COMMAND did (128 + N for signal N). COMMAND's own
standard output goes nowhere, and the grader (``course.grade.sandbox``) accepts the account only when
the reaper exited normally and wrote exactly one line: an answer that writes a line of its own there
makes two, and one that kills or stops the reaper leaves none.

Standard library only: this file is copied alone into the sandbox.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys

PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> None:
    if ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}, {value}) failed")


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def main(command: list[str]) -> int:
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_DUMPABLE, 0)  # its memory and open files are out of the answer's reach (/proc, ptrace)
    answer = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    cpu, returncode = 0.0, None
    while True:
        try:
            pid, status, usage = os.wait4(-1, 0)
        except ChildProcessError:
            break
        cpu += usage.ru_utime + usage.ru_stime
        if pid == answer.pid:
            returncode = _exit_code(status)
            _kill_the_rest()
    account = json.dumps({"returncode": returncode, "cpu_seconds": cpu})
    os.write(sys.stdout.fileno(), (account + "\n").encode())
    return returncode if returncode is not None else 1


def _kill_the_rest() -> None:
    """Every process left in the sandbox's PID namespace but this one and init (-1: all we may signal)."""
    try:
        os.kill(-1, signal.SIGKILL)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    if sys.argv[1:2] != ["--"] or len(sys.argv) < 3:
        sys.exit("usage: python reaper.py -- COMMAND...")
    sys.exit(main(sys.argv[2:]))
