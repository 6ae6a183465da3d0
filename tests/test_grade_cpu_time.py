"""CPU time in ``course grade``: counted by the kernel for every process of an answer, and enforced.

Lesson 9's exercise has a time budget. The clock in the answer's process can be stopped by the
answer (``time.perf_counter = lambda: 0``), so the grader also counts the CPU time of the whole
sandbox through the reaper (``course.grade.reaper``) and caps it at the exercise's CPU budget
(``[budget] cpu_seconds_per_case`` in ``autograder/exercises/fashion_classifier/exercise.toml``).
These tests prove the count includes processes the answer leaves behind, that an account the answer
writes to or a reaper it kills gives no count at all, and that a frozen clock buys no extra time.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from autograder.exercise import exercise
from autograder.exercises.fashion_classifier.cases import GPU_RUN
from course.grade import judge, sandbox
from course.grade.judge import Limits, grade_answer
from course.paths import REPO

from conftest import solution_source

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="course grade needs bubblewrap (make test installs it)")

TIMEOUT = 300
"""Seconds the graded answers of these tests may take in all (the grader's --timeout)."""

BURN = "import time\nend = time.process_time() + {seconds}\nwhile time.process_time() < end: pass\n"
"""Python that uses ``seconds`` of CPU time."""

run_sandbox = sandbox.run
"""The real one, for tests that watch it through a stand-in."""


def run(tmp_path: Path, code: str, timeout: float = 60) -> sandbox.Outcome:
    """Run ``python -c code`` in the sandbox, as the grader runs an answer."""
    return sandbox.run(tmp_path / "job", [REPO], ["python", "-c", code], timeout=timeout,
                       memory_bytes=4 * 2**30, threads=1)


@pytest.fixture
def job(tmp_path):
    (tmp_path / "job").mkdir()
    sandbox.copy_runtime(tmp_path / "job")
    return tmp_path


def test_the_count_includes_a_child_the_answer_never_waited_for(job):
    code = textwrap.dedent(f"""\
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", {BURN.format(seconds=1.5)!r}])
        time.sleep(4)  # sleeping costs no CPU; the child is a zombie the answer never reaps
    """)
    outcome = run(job, code)
    assert outcome.returncode == 0, outcome.stderr_tail
    assert outcome.cpu_seconds is not None and 1.5 <= outcome.cpu_seconds < 4, outcome


def test_processes_left_running_are_killed_and_counted(job):
    code = textwrap.dedent(f"""\
        import subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", {BURN.format(seconds=60)!r}], start_new_session=True)
        time.sleep(2)
    """)
    outcome = run(job, code)
    assert outcome.returncode == 0 and not outcome.timed_out
    assert outcome.seconds < 30, "the left-over process was not killed when the answer ended"
    assert outcome.cpu_seconds is not None and outcome.cpu_seconds >= 0.5, outcome


def test_an_answer_that_writes_into_the_account_gets_no_lower_count(job):
    """Every output the answer can reach gets a forged line; the count is then void or still true."""
    forged = '{"returncode": 0, "cpu_seconds": 0.0}\\n'
    code = BURN.format(seconds=1.5) + textwrap.dedent(f"""\
        import glob
        for path in glob.glob("/proc/[0-9]*/fd/1"):
            try:
                with open(path, "w") as out:
                    out.write({forged!r})
            except OSError:
                pass
    """)
    outcome = run(job, code)
    assert outcome.cpu_seconds is None or outcome.cpu_seconds >= 1.5, outcome


@pytest.mark.parametrize("account", [
    b'{"returncode": 0, "cpu_seconds": 0.5}\n{"returncode": 0, "cpu_seconds": 9.0}\n',  # a line added
    b'',  # the reaper never wrote
    b'{"returncode": 0, "cpu_seconds": 9}\n',  # not the reaper's float
    b'{"returncode": 1, "cpu_seconds": 9.0}\n',  # another return code than bwrap's
    b'not json\n',
])
def test_an_account_that_is_not_exactly_the_reapers_line_is_void(account):
    assert sandbox._counted_cpu(account, 0) is None


def test_killing_the_reaper_voids_the_count(job):
    outcome = run(job, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nimport time\ntime.sleep(5)")
    assert outcome.cpu_seconds is None, outcome


def fashion(answer: str, tmp_path: Path):
    return grade_answer("fashion_classifier", answer, "en", tmp_path / "job", [REPO], Limits(TIMEOUT, 8 * 2**30, 1))


FROZEN_CLOCK = '''
import signal
import time


def build_model():
    return nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))


def fit(model, train_loader, epochs):
    """Freeze every clock the answer can reach, ignore the CPU-limit signal, and train on one batch "forever"."""
    frozen = time.perf_counter()
    time.perf_counter = time.monotonic = time.time = lambda: frozen
    signal.signal(signal.SIGXCPU, signal.SIG_IGN)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    for xb, yb in train_loader:
        while True:
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
'''


def test_a_frozen_clock_buys_no_extra_training_time(tmp_path, monkeypatch):
    """With the limit lowered to 15 s so that the test is short: the kernel ends the run there."""
    lowered = dataclasses.replace(exercise("fashion_classifier"), cpu_seconds_per_case=15)
    monkeypatch.setattr(judge, "exercise_facts", lambda name: lowered if name == "fashion_classifier" else exercise(name))
    verdict = fashion(FROZEN_CLOCK, tmp_path)
    assert verdict.status == "timeout", verdict
    limit = judge.cpu_limit_of(lowered, [case for device in lowered.devices for case in lowered.public_cases(device)])
    assert limit == 15 + GPU_RUN["cpu_s"]  # the graded run's, and the short run on the (simulated) GPU's
    assert f"over this exercise's limit of {limit:g} s" in verdict.message
    assert verdict.seconds < TIMEOUT / 2  # the kernel ended it, not the grader's timeout


def test_the_solution_is_graded_well_within_the_cpu_limit(tmp_path, monkeypatch):
    outcomes = []

    def recorded_run(*args, **kwargs):
        outcomes.append(run_sandbox(*args, **kwargs))
        return outcomes[-1]

    monkeypatch.setattr(sandbox, "run", recorded_run)
    answer = solution_source("09_fashion_mnist_en", "fashion_mnist.ipynb", "fashion_classifier")
    verdict = fashion(answer, tmp_path)
    assert verdict.status == "ok", verdict
    [outcome] = outcomes
    ex = exercise("fashion_classifier")
    limit = judge.cpu_limit_of(ex, [case for device in ex.devices for case in ex.public_cases(device)])
    assert outcome.cpu_seconds is not None and outcome.cpu_seconds < limit / 2, outcome
    print(f"lesson 9 solution: {outcome.cpu_seconds:.1f} s CPU, {outcome.seconds:.1f} s wall, "
          f"limit {limit:g} s", file=sys.stderr)

