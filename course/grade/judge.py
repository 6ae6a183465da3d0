"""Grade one answer: run it on the hidden inputs in the sandbox, then judge the results here.

The grader (this process) makes the inputs with the exercise's ``cases`` (hidden ones drawn from the
course seed), writes them to a job folder with the answer's source, and runs
``python -m autograder.runner`` on them in the sandbox. What comes back is data
(``autograder.wire``); the exercise's judge compares it, in this process, which never ran a line of
the student's code, with what the exercise's reference expects.
"""

from __future__ import annotations

import ast
import json
import signal
from dataclasses import dataclass
from pathlib import Path

from autograder import wire
from autograder.checking import available_devices, judge_case
from autograder.exercise import exercise as exercise_facts
from autograder.judging import one_line
from autograder.probing import ERROR
from autograder.verdict import CheckFailed
from helper.i18n import message, speaking

from . import sandbox

DYNAMIC_ACCESS = {"exec", "eval", "compile", "__import__", "globals", "vars", "breakpoint", "importlib"}
"""Names that reach code or objects the grader cannot read from the answer's text."""
HIDDEN_ATTRIBUTES = {"__dict__", "__globals__", "__builtins__", "__subclasses__", "__code__", "f_globals"}


@dataclass
class Verdict:
    status: str  # ok, failed, error, timeout
    message: str
    seconds: float = 0.0


@dataclass
class Limits:
    timeout: float
    memory_bytes: int
    threads: int


def grade_answer(exercise: str, answer: str, language: str, job_dir: Path, hidden: list[Path],
                 limits: Limits) -> Verdict:
    """Run ``answer`` for ``exercise`` in a fresh sandbox and judge what it returned."""
    ex = exercise_facts(exercise)
    with speaking(language):
        refused = static_problems(answer, ex.forbidden_names, language)
        if refused:
            return Verdict("failed", refused)
        source = ipython_to_python(answer)
        if source is None:
            return Verdict("error", _say(language, "the answer cell is not valid Python; run it in the notebook to see the error",
                                         "答案单元格不是合法的 Python 代码；在笔记本里运行它即可看到错误"))
        cases = [case for device in available_devices(ex) for case in ex.cases(device)]
        job_dir.mkdir(parents=True, exist_ok=True)
        sandbox.copy_runtime(job_dir)
        (job_dir / "job.json").write_text(json.dumps({
            "exercise": exercise, "language": language, "context": ex.context, "answer": source,
            "cell": ex.answer_cell, "defines": list(ex.defines), "threads": limits.threads,
        }), encoding="utf-8")
        wire.save([(case.name, case.inputs) for case in cases], job_dir / "inputs")
        cpu_limit = cpu_limit_of(ex, len(cases))
        outcome = sandbox.run(job_dir, hidden, ["python", "-P", "-B", "-m", "autograder.runner", str(sandbox.INSIDE)],
                              timeout=limits.timeout, memory_bytes=limits.memory_bytes, threads=limits.threads,
                              cpu_limit=cpu_limit)
        if outcome.too_many_processes:
            return Verdict("error", _say(language, f"the answer started more than {sandbox.EXTRA_PROCESSES} processes "
                                         "(a fork storm?) and was stopped",
                                         f"答案启动了超过 {sandbox.EXTRA_PROCESSES} 个进程（无限 fork？），已被终止"),
                           outcome.seconds)
        if outcome.timed_out:
            return Verdict("timeout", _say(language, f"stopped after {limits.timeout:g} s (an endless loop, or far too slow)",
                                           f"运行超过 {limits.timeout:g} 秒被终止（死循环，或者太慢）"), outcome.seconds)
        if cpu_limit is not None:
            over = _over_cpu_limit(language, outcome, cpu_limit)
            if over:
                return over
        try:
            outputs = wire.load(job_dir / "outputs")
        except wire.WireError as error:
            return Verdict("error", _ended(language, outcome, error), outcome.seconds)
        return Verdict(*_judge(ex, cases, outputs), outcome.seconds)


def cpu_limit_of(ex, n_cases: int) -> float | None:
    """The CPU seconds a run of ``n_cases`` may use, for an exercise with a time budget (per case).

    The kernel counts this time, so it holds whatever the answer does to the clocks inside its process.
    """
    per_case = ex.cpu_seconds_per_case
    return None if per_case is None else per_case * n_cases


def _over_cpu_limit(language: str, outcome: sandbox.Outcome, cpu_limit: float) -> Verdict | None:
    """A verdict when the run went over its CPU limit, or its CPU time was not counted; else None."""
    counted = outcome.cpu_seconds
    if _signal(outcome.returncode) == "SIGXCPU" or (counted is not None and counted > cpu_limit):
        used_en, used_zh = ("all its", "全部") if counted is None else (f"{counted:.0f} s", f"{counted:.0f} 秒")
        return Verdict("timeout", _say(
            language, f"the grading run used {used_en} of CPU time, over this exercise's limit of {cpu_limit:g} s "
                      "(the training budget plus the time to load, build and test)",
            f"评分运行用了 {used_zh} CPU 时间，超过了这道练习 {cpu_limit:g} 秒的上限"
            "（训练预算加上加载、建模和测试的时间）"), outcome.seconds)
    if counted is None:
        return Verdict("error", _say(
            language, "the grading run's CPU time could not be counted (its first process was stopped, killed or "
                      "written to), so its time budget cannot be checked",
            "无法统计评分运行的 CPU 时间（它的第一个进程被停止、杀死或被写入），因此无法检查时间预算"), outcome.seconds)
    return None


def _judge(ex, cases: list, outputs) -> tuple[str, str]:
    if not isinstance(outputs, dict) or not isinstance(outputs.get("cases"), list) \
            or len(outputs["cases"]) != len(cases):
        return "error", "the grading process returned results for other cases than it was given"
    crashed = next((r[ERROR] for r in outputs["cases"] if isinstance(r, dict) and ERROR in r), None)
    if crashed is not None or not cases:
        return "error", one_line(_crash_text(crashed) if crashed else "the exercise has no hidden cases")
    try:
        for case, observed in zip(cases, outputs["cases"]):
            judge_case(ex, case, observed, ex.expected(case))
    except CheckFailed as failure:
        return "failed", one_line(failure)
    except Exception as error:  # results shaped unlike any probe's: forged or broken
        return "error", one_line(f"the results could not be judged ({type(error).__name__}: {error})")
    return "ok", ""


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


def _ended(language: str, outcome: sandbox.Outcome, error: Exception) -> str:
    """Why the sandbox gave no results: a signal, an exit code, or results it wrote wrong."""
    code, name = outcome.returncode, _signal(outcome.returncode)
    if name is not None:
        why = {"SIGKILL": "killed (memory limit?)", "SIGXFSZ": "it wrote a file over the size limit",
               "SIGXCPU": "it used up its CPU time", "SIGSEGV": "it crashed"}.get(name, name)
        return _say(language, f"the grading process died: {why}", f"评分进程异常终止：{why}")
    if code not in (0, None):
        tail = one_line(outcome.stderr_tail.strip().splitlines()[-1]) if outcome.stderr_tail.strip() else ""
        return _say(language, f"the grading process exited with code {code} before it finished {tail}".strip(),
                    f"评分进程在完成前退出（退出码 {code}）{tail}".strip())
    return _say(language, f"the grading process ended without usable results ({error})",
                f"评分进程结束了，但没有留下可用的结果（{error}）")


def _say(language: str, en: str, zh: str) -> str:
    return zh if language == "zh" else en


def ipython_to_python(source: str) -> str | None:
    """The cell as Python (line magics become calls the probe ignores), or None if it does not parse."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        python = TransformerManager().transform_cell(source)
        ast.parse(python)
    except (SyntaxError, ValueError):
        return None
    return python


def static_problems(answer: str, forbidden: tuple[str, ...], language: str) -> str | None:
    """What the answer's text uses that grading refuses: a forbidden function, or names built at run time.

    ``forbidden`` (the exercise's ``FORBIDDEN_NAMES``) are matched as attributes (``torch.softmax``,
    ``F.softmax``, ``x.softmax``) and as names imported with ``from ... import``: the answer's own
    function may carry the same name.
    The probe also watches the operators an answer runs; this second look, in the grader, cannot be
    switched off from inside the answer.
    """
    try:
        tree = ast.parse(ipython_to_python(answer) or "")
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        imported = [a.name for a in node.names] if isinstance(node, ast.ImportFrom) else []
        if isinstance(node, ast.Attribute) and name in forbidden or any(n in forbidden for n in imported):
            name = name if isinstance(node, ast.Attribute) else next(n for n in imported if n in forbidden)
            return _say(language, f"the answer uses {name}, which this exercise asks you to write yourself",
                        f"答案用了 {name}，而这道练习要求你自己实现它")
        dynamic = (isinstance(node, ast.Name) and name in DYNAMIC_ACCESS
                   or isinstance(node, ast.Attribute) and name in HIDDEN_ATTRIBUTES
                   or isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
                   and not (len(node.args) > 1 and isinstance(node.args[1], ast.Constant)))
        if dynamic:
            shown = name or "getattr"
            return _say(language, f"the answer uses {shown}, which graded answers may not use",
                        f"答案用了 {shown}，评分的答案里不允许使用它")
    return None
