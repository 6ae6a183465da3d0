"""Every exercise, through one contract: the instructor's solution passes, sample answers are judged right.

For each module in ``autograder/exercises`` (see its package docstring): the solution cell of the
source notebook passes the hidden tests in every language and on every device; each
``autograder/submissions/<exercise>/correct_*.py`` passes and each ``wrong_*.py`` fails.
"""

import importlib
import pkgutil

import pytest

import autograder.exercises
from helper.checks import CheckFailed

from conftest import DEVICES, SUBMISSIONS, solution_source

EXERCISES = sorted(m.name for m in pkgutil.iter_modules(autograder.exercises.__path__) if not m.ispkg)
"""The exercises still in the old layout (transitional: tests/test_exercises.py covers the packaged ones)."""


def exercise(name: str):
    return importlib.import_module(f"autograder.exercises.{name}")


def define(module, source: str) -> list:
    """Run ``CONTEXT`` and an answer cell like the notebook does; return what it defines."""
    namespace = {}
    exec(compile(module.CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    missing = [name for name in module.DEFINES if name not in namespace]
    assert not missing, f"the answer does not define {missing}"
    return [namespace[name] for name in module.DEFINES]


def samples(prefix: str) -> list:
    return [pytest.param(name, path.stem, id=f"{name}-{path.stem}")
            for name in EXERCISES for path in sorted((SUBMISSIONS / name).glob(f"{prefix}*.py"))]


def test_every_exercise_has_right_and_wrong_samples():
    for name in EXERCISES:
        stems = [p.stem for p in (SUBMISSIONS / name).glob("*.py")]
        assert any(s.startswith("correct_") for s in stems), f"{name}: no correct_*.py sample"
        assert sum(s.startswith("wrong_") for s in stems) >= 3, f"{name}: fewer than 3 wrong_*.py samples"


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", EXERCISES)
def test_solution_passes_the_hidden_tests(name, device, language):
    module = exercise(name)
    source = solution_source(f"{module.LESSON}_{language}", _notebook(module), module.ANSWER_CELL)
    module.hidden_tests(*define(module, source), devices=[device])


@pytest.mark.parametrize("name, sample", samples("correct_"))
@pytest.mark.parametrize("device", DEVICES)
def test_correct_samples_pass(name, sample, device):
    module = exercise(name)
    module.hidden_tests(*define(module, (SUBMISSIONS / name / f"{sample}.py").read_text()), devices=[device])


@pytest.mark.parametrize("name, sample", samples("wrong_"))
@pytest.mark.parametrize("device", DEVICES)
def test_wrong_samples_fail(name, sample, device):
    module = exercise(name)
    with pytest.raises((CheckFailed, AssertionError)):
        module.hidden_tests(*define(module, (SUBMISSIONS / name / f"{sample}.py").read_text()), devices=[device])


def _notebook(module) -> str:
    from course.lessons import Lesson
    from course.paths import LESSONS

    return Lesson(LESSONS / f"{module.LESSON}.py").notebook_name
