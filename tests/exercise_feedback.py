"""What the feedback tests of every exercise share (imported by the ``test_exercise_<name>.py`` files).

Each exercise has visible checks (``helper.checks``, run in the notebook, with feedback in the
notebook's language) and hidden tests (``autograder.exercises``, run by the grader). Its test file
holds a subclass of :class:`ExerciseFeedback` with tables (which mistake the visible checks must
explain in which words, in English and in Chinese) and keeps only the tests special to it; the tests
every exercise needs (the solution passes, each mistake is explained, each unanswered stub is told
to write code...) are written once, here.

(Pass and fail of every sample answer under the hidden tests, on every device, is in ``test_exercises.py``.)
"""

from __future__ import annotations

import re
from typing import Callable

import pytest

from autograder.exercises import exercise as exercise_module
from course.lessons import Lesson
from course.paths import LESSONS
from helper.checks import CheckFailed
from helper.i18n import set_language

from conftest import released_source, solution_source, submission, submissions

ALL_CHECKS_PASSED = {"en": "All checks passed", "zh": "全部检查通过"}
NOT_IMPLEMENTED = {"en": "{name} is not implemented yet", "zh": "{name} 还没有实现"}


def define_all(exercise: str, source: str, namespace: dict | None = None) -> tuple:
    """Run an answer cell the way the notebook does, after its imports; return every name it defines.

    The imports are the exercise's ``CONTEXT``, the names its ``DEFINES`` (in that order). ``namespace``
    holds objects that earlier cells of the notebook would have made, when a test needs some.
    """
    module = exercise_module(exercise)
    namespace = {} if namespace is None else namespace
    exec(compile(module.CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return tuple(namespace[name] for name in module.DEFINES)


def define(exercise: str, source: str, namespace: dict | None = None):
    """Like :func:`define_all`, but the object itself where the cell defines one name (all exercises but one)."""
    defined = define_all(exercise, source, namespace)
    return defined[0] if len(defined) == 1 else defined


def define_sample(exercise: str, name: str):
    """What the sample answer ``autograder/submissions/<exercise>/<name>.py`` defines (see :func:`define`)."""
    return define(exercise, submission(exercise, name))


def solution_cell(exercise: str, language: str) -> str:
    """The instructor's solution of ``exercise``, from the source notebook in ``language``."""
    module = exercise_module(exercise)
    return solution_source(f"{module.LESSON}_{language}", _notebook_name(module), module.ANSWER_CELL)


def released_cell(exercise: str, language: str) -> str:
    """The answer cell of ``exercise`` as students receive it: ``raise NotImplementedError()`` for a body."""
    module = exercise_module(exercise)
    return released_source(f"{module.LESSON}_{language}", _notebook_name(module), module.ANSWER_CELL)


def _notebook_name(module) -> str:
    return Lesson(LESSONS / f"{module.LESSON}.py").notebook_name


@pytest.mark.usefixtures("english")  # some of these tests switch to Chinese; the next test starts in English
class ExerciseFeedback:
    """The feedback tests every exercise gets. Subclass it as ``Test<Exercise>Feedback`` and fill in:

    * ``exercise``: the module name in ``autograder/exercises``, e.g. ``"cross_entropy"``;
    * ``check``: the visible checks, e.g. ``staticmethod(check_cross_entropy)``;
    * ``expected_feedback``: for each ``wrong_*`` sample, words the visible checks must say (in English);
    * ``zh_feedback``: for some of them, words they must say in Chinese;
    * ``fools_visible_checks`` (if any): the ``wrong_*`` samples that pass the visible checks, each
      with words the hidden tests must say about it (the reason the hidden tests exist);
    * ``solution_also_prints`` (if any): per language, what the solution's visible checks must print
      besides "All checks passed" (a worked example, say).

    This class is not collected itself (its name does not start with ``Test``); each generic test
    gets its cases from the subclass's tables through :meth:`pytest_generate_tests`, one test per
    sample, so a failure names the sample it is about. An exercise whose visible checks no sample
    fools has no ``fools_visible_checks`` and no such test (rather than a skipped one).
    """

    exercise: str
    check: Callable
    expected_feedback: dict[str, str]
    zh_feedback: dict[str, str]
    fools_visible_checks: dict[str, str] = {}
    solution_also_prints: dict[str, list[str]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.fools_visible_checks:  # nothing to show the hidden tests catching: no test, not an empty one
            cls.test_what_fools_the_visible_checks_does_not_fool_the_hidden_tests = None

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Parametrize each generic test by the argument it names: a language, or a sample from a table."""
        cases = {
            "language": ["en", "zh"],
            "correct_sample": submissions(self.exercise, "correct_"),
            "mistake": sorted(self.expected_feedback),
            "zh_mistake": sorted(self.zh_feedback),
            "fooling_sample": sorted(self.fools_visible_checks),
        }
        for argument in cases:
            if argument in metafunc.fixturenames:
                metafunc.parametrize(argument, cases[argument])

    def run_visible_checks(self, source: str) -> tuple:
        """Define what ``source`` defines and run the visible checks on it; return what was defined."""
        defined = define_all(self.exercise, source)
        self.check(*defined)
        return defined

    def test_solution_passes_the_visible_checks_in_the_notebook_language(self, language, capsys):
        defined = define_all(self.exercise, solution_cell(self.exercise, language))
        set_language(language)
        self.check(*defined)
        out = capsys.readouterr().out
        for text in [ALL_CHECKS_PASSED[language], *self.solution_also_prints.get(language, [])]:
            assert text in out

    def test_correct_samples_pass_the_visible_checks(self, correct_sample, capsys):
        self.run_visible_checks(submission(self.exercise, correct_sample))
        assert ALL_CHECKS_PASSED["en"] in capsys.readouterr().out

    def test_visible_checks_say_what_is_wrong(self, mistake):
        with pytest.raises(CheckFailed, match=re.escape(self.expected_feedback[mistake])):
            self.run_visible_checks(submission(self.exercise, mistake))

    def test_feedback_follows_the_notebook_language(self, zh_mistake):
        set_language("zh")
        with pytest.raises(CheckFailed, match=re.escape(self.zh_feedback[zh_mistake])):
            self.run_visible_checks(submission(self.exercise, zh_mistake))

    def test_every_mistake_is_covered_by_a_feedback_case_or_fools_the_visible_checks_on_purpose(self):
        """A new mistake in the corpus must get a visible-feedback expectation too."""
        covered = set(self.expected_feedback) | set(self.fools_visible_checks)
        assert set(submissions(self.exercise, "wrong_")) == covered

    def test_what_fools_the_visible_checks_does_not_fool_the_hidden_tests(self, fooling_sample, capsys):
        """Why hidden tests exist: an answer can pass every visible check and still be wrong."""
        defined = self.run_visible_checks(submission(self.exercise, fooling_sample))
        assert ALL_CHECKS_PASSED["en"] in capsys.readouterr().out
        with pytest.raises(CheckFailed, match=re.escape(self.fools_visible_checks[fooling_sample])):
            exercise_module(self.exercise).hidden_tests(*defined, devices=["cpu"])

    def test_unanswered_stub_is_told_to_write_code(self, language):
        """The cell exactly as released, not yet answered, gets "write your code here", not a crash report."""
        defined = define_all(self.exercise, released_cell(self.exercise, language))
        set_language(language)
        first_name = exercise_module(self.exercise).DEFINES[0]
        with pytest.raises(CheckFailed, match=re.escape(NOT_IMPLEMENTED[language].format(name=first_name))):
            self.check(*defined)
