"""The two ways a notebook runs an exercise's judge: the visible check, and the stock hidden tests.

``check(name, *defined)`` is what a student runs under an exercise: the public cases, through the
exercise's probe and judge (which may add notes: what it measured, or could not verify here), against the expected values ``course build`` stored as data in the
exercise's folder (``public.*``), never against a reference function. It leaves the notebook's
state as it found it (random generators, default dtype, threads, autograd), so running it or not
changes no later result.

``hidden_tests(name, *defined)`` is the hidden test block of the source notebook, for stock
``nbgrader autograde``: every case, public and hidden, judged in the kernel that ran the answer.
``course grade`` judges the same cases outside that kernel (see ``course/grade/judge.py``).
"""

from __future__ import annotations

import inspect
import textwrap
from contextlib import contextmanager, nullcontext

import torch

from helper.i18n import message

from . import simulated_device, wire
from .exercise import Case, Exercise, exercise
from .judging import expect_answered, passed
from .probing import run_probe
from .text_check import answer_problem
from .verdict import CheckFailed, fail, refail

PUBLIC = "public"
"""Stem of the file of public expected values in an exercise's folder (``public.json`` + ``public.safetensors``)."""


_just_checked: dict[str, tuple[tuple, set[tuple[str, str]]]] = {}
"""Per exercise, what its last visible check passed: (the answer's objects, {(device, case name)}). The
hidden test block follows ``check`` in the same test cell, so it need not run those cases again (lesson
9's graded run trained twice for the same verdict)."""


def check(name: str, *defined) -> None:
    """Run the visible check of exercise ``name`` on what the answer cell defined; print what passed."""
    _just_checked.pop(name, None)
    ex = exercise(name)
    expected = public_expected(ex)
    refused = text_problem(ex, defined)
    if refused:
        fail(refused[0], **refused[1])
    unverified, judged = False, set()
    with untouched_state():
        for case in ex.public_cases():
            notes = judge_case(ex, case, probe_case(ex, defined, case), expected[case.name]) or ()
            judged.add(("cpu", case.name))
            passed(message(case.title))
            for note in notes:
                text = message(note.message_id, **note.fields)
                print(message("check_unverified" if note.unverified else "check_note", text=text))
                unverified = unverified or note.unverified
        if "cuda" in ex.devices:
            judged.add(("cuda", check_on_gpu(ex, defined, expected)))
    _just_checked[name] = (defined, judged)
    # Never "all checks passed" when a judge said it could not verify something here.
    print(message("not_all_verified" if unverified else "all_passed"))


def check_on_gpu(ex: Exercise, defined: tuple, expected: dict) -> str:
    """The first public case again with everything on the GPU: simulated when this machine has none. Its name."""
    with on_device("cuda"):
        case = ex.public_cases(device="cuda")[0]
        judge_case(ex, case, probe_case(ex, defined, case), simulated_device.move(expected[case.name], "cuda"))
    passed(message("on_gpu", what=message(case.title)))
    return case.name


def hidden_tests(name: str, *defined, devices: list[str] | None = None, seed: int | None = None) -> None:
    """Probe and judge every case in this process (stock nbgrader); raise CheckFailed at the first wrong one.

    The cases that the visible check just passed for these very objects (the line above in the test cell)
    are not judged again: the same probe and judge, on the same inputs, against the same values."""
    ex = exercise(name)
    checked_objects, judged = _just_checked.pop(name, ((), set()))
    if len(checked_objects) != len(defined) or any(a is not b for a, b in zip(checked_objects, defined)):
        judged = set()
    with untouched_state():
        for device in devices or available_devices(ex):
            with on_device(device):
                for case in ex.cases(device, seed):
                    if (device, case.name) not in judged:
                        judge_case(ex, case, probe_case(ex, defined, case), ex.expected(case))


def text_problem(ex: Exercise, defined: tuple):
    """What grading will refuse in the text of the answer's functions and classes, where their source is known."""
    for obj in defined:
        try:
            source = inspect.getsource(obj)
        except (OSError, TypeError):  # defined somewhere without source (a class in a notebook on Python 3.11)
            continue
        problem = answer_problem(textwrap.dedent(source), ex.forbidden_names)
        if problem:
            return problem
    return None


def probe_case(ex: Exercise, defined: tuple, case: Case):
    """What the probe observed on ``case``, after the same wire round trip as in ``course grade``."""
    inputs = wire.round_trip(case.inputs)
    simulated_device.adopt(inputs)
    observed = wire.round_trip(run_probe(ex.part("probe").probe, defined, inputs))
    simulated_device.adopt(observed)
    return observed


def judge_case(ex: Exercise, case: Case, observed, expected) -> list | None:
    """The exercise's judge on one case (its notes, if any); a failure names the case when it is a hidden one."""
    try:
        expect_answered(observed)
        return ex.part("judge").judge(case, observed, expected)
    except CheckFailed as failure:
        if case.hidden:
            refail(failure, case.described())
        raise


def available_devices(ex: Exercise) -> list[str]:
    """The devices ``ex`` runs on: the CPU, and CUDA (simulated where this machine has no GPU)."""
    return list(ex.devices)


def on_device(device: str):
    """The context a case on ``device`` runs in: a simulated GPU when it asks for one that is not here."""
    return simulated_device.simulated() if device == "cuda" and simulated_device.needed() else nullcontext()


def public_expected(ex: Exercise) -> dict:
    """The stored expected values of ``ex``'s public cases, by case name."""
    try:
        return wire.load(ex.folder / PUBLIC)
    except wire.WireError:
        raise CheckFailed(message("public_data_missing", name=ex.name), "public_data_missing") from None


def public_values(ex: Exercise) -> dict:
    """The reference's values for ``ex``'s public cases by name: the CPU's, and any the GPU has besides."""
    values = {case.name: ex.expected(case) for case in ex.public_cases()}
    if "cuda" in ex.devices:
        with on_device("cuda"):
            for case in ex.public_cases(device="cuda"):
                if case.name not in values:
                    values[case.name] = simulated_device.move(ex.expected(case), "cpu")
    return values


def write_public_expected(ex: Exercise) -> bool:
    """Store the reference's values for ``ex``'s public cases (``course build``); whether anything changed."""
    values = public_values(ex)
    try:
        if _same(wire.load(ex.folder / PUBLIC), values):
            return False
    except wire.WireError:
        pass
    wire.save(values, ex.folder / PUBLIC)
    return True


def public_expected_is_current(ex: Exercise) -> bool:
    """Whether ``public.*`` holds exactly what the reference gives now (``course check``)."""
    try:
        return _same(wire.load(ex.folder / PUBLIC), public_values(ex))
    except wire.WireError:
        return False


def _same(a, b) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return type(a) is type(b) and a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@contextmanager
def untouched_state():
    """Run a check without leaving a trace on the notebook: RNGs forked, defaults and grad mode restored."""
    dtype, threads, grad = torch.get_default_dtype(), torch.get_num_threads(), torch.is_grad_enabled()
    devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=devices):
        try:
            yield
        finally:
            torch.set_default_dtype(dtype)
            torch.set_num_threads(threads)
            torch.set_grad_enabled(grad)
