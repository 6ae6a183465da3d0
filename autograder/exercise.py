"""An exercise: one folder ``autograder/exercises/<name>/`` that says everything about it once.

Split by who may see it:

========================  =============================================================  ==================
file                      what it is                                                     who runs it
========================  =============================================================  ==================
``exercise.toml``         the facts: lesson, answer cell, names defined, imports, rules    everyone
``cases.py``              one table of inputs, each flagged public or hidden              grader, build
``probe.py``              calls the student's code on inputs, reports observations       kernel, sandbox
``judge.py``              observations + expected values → pass, or a message id         kernel, grader
``messages.<lang>.toml``  the exercise's sentences, one file per language                everyone
``public.json/.safetensors``  expected values of the public cases, made by ``course build``   kernel
``reference.py``          the reference answer: expected values for any input            grader only
``samples/``              right and wrong answers, each wrong one pinned to a message id  tests
========================  =============================================================  ==================

The visible check in the notebook runs the public cases through the probe and the judge against
``public.*`` (data, not a function); ``course grade`` runs every case through the probe in a sandbox
that holds only probes and ``helper``, and through the judge here against ``reference.py``. Hidden
inputs are drawn from the course seed (:func:`course_seed`), which only the instructor's side holds.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import torch

from helper.i18n import add_catalogue

EXERCISES = Path(__file__).resolve().parent / "exercises"
SEED_FILE = Path(__file__).resolve().parent.parent / ".course-seed"
"""The instructor's secret seed for hidden inputs (git-ignored, hidden from the sandbox); ``$COURSE_SEED`` wins."""


@dataclass(frozen=True)
class Case:
    """One input of an exercise: ``hidden`` ones are graded only; public ones are the visible check's too.

    ``name`` identifies the case (stored expected values, logs). ``title`` is a message id of the
    exercise's catalogue, filled with ``fields``: a public case's is what the visible check prints when
    it passes, a hidden case's names the case before a failure, in the student's language.
    """

    name: str
    inputs: dict
    hidden: bool = True
    title: str | None = None
    fields: dict = field(default_factory=dict, compare=False)
    cpu_seconds: float | None = None
    """CPU seconds this case may use in ``course grade``, where not the exercise's ``cpu_seconds_per_case``."""

    def described(self) -> str:
        """The case in the student's language (its name when it has no title)."""
        from helper.i18n import message

        return message(self.title, **self.fields) if self.title else self.name


@dataclass(frozen=True)
class Exercise:
    name: str
    lesson: str
    answer_cell: str
    defines: tuple[str, ...]
    context: str
    forbidden_names: tuple[str, ...] = ()
    forbidden_operators: dict = field(default_factory=dict)
    cpu_seconds_per_case: float | None = None
    devices: tuple[str, ...] = ("cpu", "cuda")
    data: tuple[str, ...] = ()
    """Data sets (folders of the data root) its grading reads: a changed file re-grades it."""

    @property
    def folder(self) -> Path:
        return EXERCISES / self.name

    def part(self, name: str):
        """One module of the exercise's folder: ``probe``, ``judge``, ``cases`` or (grader only) ``reference``."""
        return importlib.import_module(f"autograder.exercises.{self.name}.{name}")

    def cases(self, device: str, seed: int | None = None) -> list[Case]:
        """Every case on ``device``: the public ones, then hidden ones drawn from ``seed`` (default the course's)."""
        generator = torch.Generator().manual_seed(case_seed(self.name, course_seed() if seed is None else seed))
        return list(self.part("cases").cases(device, generator))

    def public_cases(self, device: str = "cpu") -> list[Case]:
        """The cases the visible check runs; they never depend on the seed."""
        return [case for case in self.part("cases").cases(device, None) if not case.hidden]

    def expected(self, case: Case):
        """What a right answer gives on ``case``, from the reference (grader only)."""
        return self.part("reference").expected(case.inputs)


@cache
def exercise(name: str) -> Exercise:
    """The facts of one exercise, read from its ``exercise.toml`` (and its messages loaded)."""
    folder = EXERCISES / name
    try:
        facts = tomllib.loads((folder / "exercise.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LookupError(f"no exercise {name!r}: autograder/exercises/{name}/exercise.toml is missing") from None
    add_catalogue(folder, prefix=name)
    forbidden = facts.get("forbidden", {})
    return Exercise(name=name, lesson=facts["lesson"], answer_cell=facts["answer_cell"],
                    defines=tuple(facts["defines"]), context=facts["context"],
                    forbidden_names=tuple(forbidden.get("names", ())),
                    forbidden_operators=dict(forbidden.get("operators", {})),
                    cpu_seconds_per_case=facts.get("budget", {}).get("cpu_seconds_per_case"),
                    devices=tuple(facts.get("devices", ("cpu", "cuda"))), data=tuple(facts.get("data", ())))


def names() -> list[str]:
    """Every exercise of the course, by folder."""
    return sorted(p.parent.name for p in EXERCISES.glob("*/exercise.toml"))


def course_seed() -> int:
    """The seed hidden inputs are drawn from: ``$COURSE_SEED``, else ``.course-seed`` (made once, kept).

    The same seed gives the same inputs, so the same grades, on every run, resume and worker; a
    submission cannot be fitted to inputs it never sees. It is never part of a release.
    """
    if os.environ.get("COURSE_SEED"):
        return int(os.environ["COURSE_SEED"])
    try:
        return int(SEED_FILE.read_text().strip())
    except FileNotFoundError:
        pass
    # Made whole, once: with two graders (or test workers) starting at once, the first link wins and both
    # read the seed that won, never a half-written file nor one overwritten under the other.
    partial = SEED_FILE.with_name(f".course-seed.{os.getpid()}.{secrets.token_hex(4)}")
    partial.write_text(f"{secrets.randbits(63)}\n")
    try:
        os.link(partial, SEED_FILE)
    except FileExistsError:
        pass
    finally:
        partial.unlink()
    return int(SEED_FILE.read_text().strip())


def case_seed(exercise_name: str, seed: int) -> int:
    """One exercise's seed, from the course's: exercises draw independent inputs."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{exercise_name}".encode()).digest()[:7], "big")
