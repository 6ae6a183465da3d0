"""Exercises still in the old layout (``autograder/exercises/<name>.py`` + ``autograder/probes/<name>.py``
+ ``helper/checks/<name>.py``), seen through the :class:`autograder.exercise.Exercise` interface.

Transitional: each exercise moves to its own folder; when the last one has, this module goes.
"""

from __future__ import annotations

import importlib

import torch
from types import SimpleNamespace

from .exercise import Case


class LegacyExercise:
    def __init__(self, name: str):
        self.module = importlib.import_module(f"autograder.exercises.{name}")
        m = self.module
        self.name, self.lesson, self.answer_cell = name, m.LESSON, m.ANSWER_CELL
        self.defines, self.context = tuple(m.DEFINES), m.CONTEXT
        self.forbidden_names = tuple(getattr(m, "FORBIDDEN_NAMES", ()))
        self.forbidden_operators = {}
        self.cpu_seconds_per_case = getattr(m, "CPU_LIMIT_S", None)
        self.devices = ("cpu", "cuda") if torch.cuda.is_available() else ("cpu",)  # never simulated

    def part(self, name: str):
        if name == "probe":
            return importlib.import_module(f"autograder.probes.{self.name}")
        if name == "judge":
            return SimpleNamespace(judge=lambda case, observed, expected: self.module.judge(case.name, case.inputs, observed))
        raise LookupError(f"{self.name} has no {name} in the old layout")

    def cases(self, device: str, seed: int | None = None) -> list[Case]:
        # Not marked hidden: the old judges name the case in their messages themselves.
        return [Case(name, inputs, hidden=False) for name, inputs in self.module.cases(device)]

    def public_cases(self) -> list[Case]:
        return []

    def expected(self, case: Case):
        return None
