"""Grade one answer: run it on the hidden inputs in the sandbox, then judge the results here.

The grader (this process) makes the inputs with the exercise's ``cases`` (hidden ones drawn from the
course seed), writes them to a job folder with the answer's source, and runs
``python -m autograder.runner`` on them in the sandbox. What comes back is data
(``autograder.wire``); the exercise's judge compares it, in this process, which never ran a line of
the student's code, with what the exercise's reference expects.
"""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass
from pathlib import Path

from autograder import simulated_device, wire
from autograder.checking import available_devices, judge_case, on_device
from autograder.exercise import exercise as exercise_facts
from autograder.judging import one_line
from autograder.probing import ERROR
from autograder.text_check import answer_problem, ipython_to_python
from autograder.verdict import CheckFailed
from helper.i18n import message, speaking

from . import sandbox



@dataclass
class Verdict:
    status: str  # ok, failed, error, timeout
    message: str
    seconds: float = 0.0
    reason: str = ""  # the message id of ``message``


@dataclass
class Limits:
    timeout: float
    memory_bytes: int
    threads: int


def grade_answer(exercise: str, answer: str, language: str, job_dir: Path, hidden: list[Path],
                 limits: Limits) -> Verdict:
    """Run ``answer`` for ``exercise`` in a fresh process in the sandbox and judge what it returned."""
    ex = exercise_facts(exercise)
    with speaking(language):
        refused = answer_problem(answer, ex.forbidden_names)
        if refused:
            return Verdict("failed", message(refused[0], **refused[1]), reason=refused[0])
        source = ipython_to_python(answer)
        if source is None:
            return Verdict("error", message("grade_not_python"), reason="grade_not_python")
        cases = []
        for device in available_devices(ex):  # CUDA on a simulated GPU where this machine has none
            with on_device(device):  # on a simulated GPU, the inputs are marked as being on it
                cases += [(device, case) for case in ex.cases(device)]
        job_dir.mkdir(parents=True, exist_ok=True)
        (job_dir / "job.json").write_text(json.dumps({
            "exercise": exercise, "language": language, "context": ex.context, "answer": source,
            "cell": ex.answer_cell, "defines": list(ex.defines), "threads": limits.threads,
        }), encoding="utf-8")
        with on_device("cuda"):
            wire.save([(case.name, device, case.inputs) for device, case in cases], job_dir / "inputs")
        cpu_limit = cpu_limit_of(ex, [case for _, case in cases])
        outcome = sandbox.run(job_dir, hidden, ["python", "-P", "-B", "-m", "autograder.runner", str(sandbox.INSIDE)],
                              timeout=limits.timeout, memory_bytes=limits.memory_bytes, threads=limits.threads,
                              cpu_limit=cpu_limit)
        if outcome.too_many_processes:
            return Verdict("error", message("grade_fork_storm", limit=sandbox.EXTRA_PROCESSES), outcome.seconds,
                           "grade_fork_storm")
        if outcome.timed_out:
            return Verdict("timeout", message("grade_timeout", seconds=f"{limits.timeout:g}"), outcome.seconds,
                           "grade_timeout")
        if cpu_limit is not None:
            over = _over_cpu_limit(outcome, cpu_limit)
            if over:
                return over
        try:
            outputs = wire.load(job_dir / "outputs")
        except wire.WireError as error:
            text, reason = _ended(outcome, error)
            return Verdict("error", text, outcome.seconds, reason)
        status, text, reason = _judge(ex, cases, outputs)
        return Verdict(status, text, outcome.seconds, reason)


def cpu_limit_of(ex, cases: list) -> float | None:
    """The CPU seconds a run of ``cases`` may use, for an exercise with a time budget (per case, or the case's own).

    The kernel counts this time, so it holds whatever the answer does to the clocks inside its process.
    """
    per_case = ex.cpu_seconds_per_case
    if per_case is None:
        return None
    return sum(per_case if case.cpu_seconds is None else case.cpu_seconds for case in cases)


def _over_cpu_limit(outcome: sandbox.Outcome, cpu_limit: float) -> Verdict | None:
    """A verdict when the run went over its CPU limit, or its CPU time was not counted; else None."""
    counted = outcome.cpu_seconds
    if _signal(outcome.returncode) == "SIGXCPU" or (counted is not None and counted > cpu_limit):
        text = message("grade_cpu_over_all", limit=f"{cpu_limit:g}") if counted is None else \
            message("grade_cpu_over", used=f"{counted:.0f}", limit=f"{cpu_limit:g}")
        return Verdict("timeout", text, outcome.seconds, "grade_cpu_over")
    if counted is None:
        return Verdict("error", message("grade_cpu_uncounted"), outcome.seconds, "grade_cpu_uncounted")
    return None


def _judge(ex, cases: list, outputs) -> tuple[str, str, str]:
    """Status, message and message id of the judged results."""
    if not isinstance(outputs, dict) or not isinstance(outputs.get("cases"), list) \
            or len(outputs["cases"]) != len(cases):
        return "error", message("grade_other_cases"), "grade_other_cases"
    crashed = next((r[ERROR] for r in outputs["cases"] if isinstance(r, dict) and ERROR in r), None)
    if crashed is not None or not cases:
        if not crashed:
            return "error", message("grade_no_cases"), "grade_no_cases"
        reason = crashed.get("id") if isinstance(crashed, dict) and isinstance(crashed.get("id"), str) else ""
        return "error", one_line(_crash_text(crashed)), reason
    try:
        for (device, case), observed in zip(cases, outputs["cases"]):
            with on_device(device):
                simulated_device.adopt(observed)
                judge_case(ex, case, observed, ex.expected(case))
    except CheckFailed as failure:
        return "failed", one_line(failure), failure.message_id or ""
    except Exception as error:  # results shaped unlike any probe's: forged or broken
        return "error", one_line(message("grade_unjudgeable", error=f"{type(error).__name__}: {error}")), \
            "grade_unjudgeable"
    return "ok", "", ""


def _crash_text(crashed) -> str:
    """The runner's report that the answer cell could not run, in the grader's language."""
    if isinstance(crashed, dict) and crashed.get("id") in ("grade_answer_crashed", "grade_answer_missing_names"):
        fields = crashed.get("fields") if isinstance(crashed.get("fields"), dict) else {}
        try:
            return message(crashed["id"], **fields)
        except (KeyError, IndexError, ValueError):
            pass
    return str(crashed.get("text", crashed) if isinstance(crashed, dict) else crashed)


def _signal(code: int | None) -> str | None:
    """The name of the signal that ended the sandbox, if one did (bwrap reports it as 128 + its number)."""
    if code is None or not (code < 0 or 128 < code < 128 + 65):
        return None
    number = -code if code < 0 else code - 128
    return signal.Signals(number).name if number in signal.valid_signals() else f"signal {number}"


def _ended(outcome: sandbox.Outcome, error: Exception) -> tuple[str, str]:
    """Why the sandbox gave no results (a signal, an exit code, or results it wrote wrong), and its message id."""
    code, name = outcome.returncode, _signal(outcome.returncode)
    if name is not None:
        why = {"SIGKILL": "grade_why_killed", "SIGXFSZ": "grade_why_file_size", "SIGXCPU": "grade_why_cpu",
               "SIGSEGV": "grade_why_crashed"}.get(name)
        return message("grade_died", why=message(why) if why else name), why or "grade_died"
    if code not in (0, None):
        tail = one_line(outcome.stderr_tail.strip().splitlines()[-1]) if outcome.stderr_tail.strip() else ""
        return message("grade_exited", code=code, tail=tail).strip(), "grade_exited"
    return message("grade_no_results", error=error), "grade_no_results"
