"""Every packaged exercise (``autograder/exercises/<name>/``), through one contract.

For each: the folder holds its whole story; the instructor's solution passes the visible check and
the hidden tests in every language and on every device; every ``samples/correct_*`` passes both;
every ``samples/wrong_*`` gets exactly the message id its ``# expect:`` line pins, from the hidden
tests and from the visible check (unless ``# visible: passes`` says it fools the visible check on
purpose); the stored public expected values are what the reference gives; and running the visible
check leaves the notebook's random state, defaults and autograd mode as they were.
"""

from __future__ import annotations

import ast
import re

import pytest
import torch

from autograder import checking
from autograder.checking import hidden_tests, public_expected_is_current
from autograder.exercise import EXERCISES, exercise
from autograder.testing import define, sample_source
from autograder.testing import visible as printed_by_check
from autograder.verdict import CheckFailed
from course.lessons import Lesson
from course.paths import LESSONS
from helper.i18n import LANGUAGES, MESSAGES, set_language

from conftest import solution_source

PACKAGED = sorted(p.parent.name for p in EXERCISES.glob("*/exercise.toml"))
PARTS = ("exercise.toml", "__init__.py", "cases.py", "probe.py", "judge.py", "reference.py",
         *(f"messages.{language}.toml" for language in LANGUAGES), "public.json", "public.safetensors")
ALL_PASSED = {"en": "All checks passed", "zh": "全部检查通过"}
# Each exercise runs on the devices its exercise.toml names: CUDA on a real GPU where there is one,
# on a simulated one elsewhere (autograder.simulated_device).


def samples(prefix: str) -> list:
    return [pytest.param(name, path.stem, id=f"{name}-{path.stem}")
            for name in PACKAGED for path in sorted((EXERCISES / name / "samples").glob(f"{prefix}*.py"))]


def pins(name: str, sample: str) -> dict[str, str]:
    """The ``# expect:`` and ``# visible:`` lines at the top of a sample."""
    text = (EXERCISES / name / "samples" / f"{sample}.py").read_text(encoding="utf-8")
    return dict(re.findall(r"^# (expect|visible): (\S+)", text, flags=re.M))


def sample(name: str, stem: str) -> tuple:
    return define(name, sample_source(name, stem))


def solution(name: str, language: str) -> tuple:
    ex = exercise(name)
    notebook = Lesson(LESSONS / f"{ex.lesson}.py").notebook_name
    return define(name, solution_source(f"{ex.lesson}_{language}", notebook, ex.answer_cell))


def visible(name: str, defined: tuple) -> str:
    return printed_by_check(name, *defined)


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    set_language("en")


@pytest.mark.parametrize("name", PACKAGED)
def test_the_folder_tells_the_whole_story(name):
    folder = exercise(name).folder  # and its messages loaded, which the pins below name
    missing = [part for part in PARTS if not (folder / part).is_file()]
    assert not missing, f"{name}: missing {missing}"
    stems = [p.stem for p in (folder / "samples").glob("*.py")]
    assert any(s.startswith("correct_") for s in stems), f"{name}: no correct sample"
    wrong = [s for s in stems if s.startswith("wrong_")]
    assert len(wrong) >= 3, f"{name}: fewer than 3 wrong samples"
    for stem in wrong:
        pinned = pins(name, stem)
        assert "expect" in pinned, f"{name}/{stem}: no '# expect: <message id>' line"
        for key in (pinned["expect"], pinned.get("visible", "passes")):
            assert key == "passes" or key in MESSAGES or f"{name}.{key}" in MESSAGES, f"{name}/{stem}: {key}?"


@pytest.mark.parametrize("name", PACKAGED)
def test_public_expected_values_are_what_the_reference_gives(name):
    assert public_expected_is_current(exercise(name)), f"run `python -m course build`: {name}/public.* is stale"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", PACKAGED)
def test_solution_passes_the_visible_check_in_its_language(name, language):
    defined = solution(name, language)
    set_language(language)
    assert ALL_PASSED[language] in visible(name, defined)


@pytest.mark.parametrize("name, device", [(n, d) for n in PACKAGED for d in exercise(n).devices])
def test_solution_passes_the_hidden_tests(name, device):
    """The English notebook's answer; the Chinese one is the same code (next test), so it passes them too."""
    hidden_tests(name, *solution(name, "en"), devices=[device])


@pytest.mark.parametrize("name", PACKAGED)
def test_the_solution_is_the_same_code_in_every_language(name):
    """Comments and docstrings are translated; the statements are not. One run of the hidden tests holds for all."""
    ex = exercise(name)
    notebook = Lesson(LESSONS / f"{ex.lesson}.py").notebook_name
    codes = {language: _statements(solution_source(f"{ex.lesson}_{language}", notebook, ex.answer_cell))
             for language in LANGUAGES}
    assert len(set(codes.values())) == 1, f"{name}: the solutions differ between {', '.join(LANGUAGES)}"


def _statements(source: str) -> str:
    """The answer's syntax tree without docstrings (comments are not in it)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree)


@pytest.mark.parametrize("name, stem, device", [pytest.param(*p.values, d, id=f"{p.id}-{d}")
                                                for p in samples("correct_") for d in exercise(p.values[0]).devices])
def test_correct_samples_pass(name, stem, device):
    defined = sample(name, stem)
    if device == exercise(name).devices[0]:  # the visible check covers every device itself: once per sample
        assert ALL_PASSED["en"] in visible(name, defined)
    hidden_tests(name, *defined, devices=[device])


@pytest.mark.parametrize("name, stem", samples("wrong_"))
def test_wrong_samples_get_their_pinned_message(name, stem):
    pinned, defined = pins(name, stem), sample(name, stem)
    with pytest.raises(CheckFailed) as hidden:
        hidden_tests(name, *defined)
    assert _short(hidden.value.message_id, name) == pinned["expect"], str(hidden.value)
    if pinned.get("visible") == "passes":
        assert ALL_PASSED["en"] in visible(name, defined)  # why the hidden cases exist
    else:
        with pytest.raises(CheckFailed) as shown:
            visible(name, defined)
        assert _short(shown.value.message_id, name) == pinned.get("visible", pinned["expect"]), str(shown.value)


def test_the_hidden_block_skips_only_what_the_visible_check_just_passed_for_the_same_answer(monkeypatch):
    """A test cell runs ``check`` and then, in the source notebook, ``hidden_tests`` on the same objects:
    the public cases that the check has just passed are not judged twice. Another answer (the same code
    defined again), a second hidden run, or a check that failed since leaves nothing to skip."""
    name = "sgd_update"
    ex = exercise(name)
    probed = []
    probe_case = checking.probe_case
    monkeypatch.setattr(checking, "probe_case", lambda *args: probed.append(args[2].name) or probe_case(*args))

    def hidden_run(defined) -> list[str]:
        probed.clear()
        hidden_tests(name, *defined)
        return list(probed)

    answer = solution(name, "en")
    every = hidden_run(answer)
    skipped = [c.name for c in ex.public_cases()]
    if "cuda" in ex.devices:
        with checking.on_device("cuda"):
            skipped.append(ex.public_cases("cuda")[0].name)
    visible(name, answer)
    rest = hidden_run(answer)
    assert len(rest) == len(every) - len(skipped) and all(rest.count(c) + skipped.count(c) == every.count(c)
                                                          for c in set(every))
    assert hidden_run(answer) == every  # the check's record is used once
    visible(name, answer)
    assert hidden_run(solution(name, "en")) == every
    wrong = next(p.values[1] for p in samples("wrong_")
                 if p.values[0] == name and pins(name, p.values[1]).get("visible") != "passes")
    visible(name, answer)
    with pytest.raises(CheckFailed):
        visible(name, sample(name, wrong))
    assert hidden_run(answer) == every


@pytest.mark.parametrize("name", PACKAGED)
def test_feedback_speaks_the_notebook_language(name):
    """The first mistake the visible check catches, told in Chinese in a Chinese notebook."""
    stem = next(p.values[1] for p in samples("wrong_")
                if p.values[0] == name and pins(name, p.values[1]).get("visible") != "passes")
    set_language("zh")
    with pytest.raises(CheckFailed) as shown:
        visible(name, sample(name, stem))
    assert re.search(r"[\u4e00-\u9fff]", str(shown.value)), str(shown.value)


@pytest.mark.parametrize("name", PACKAGED)
def test_the_visible_check_leaves_the_notebook_state_alone(name):
    torch.manual_seed(1234)
    defined = solution(name, "en")
    before = (torch.random.get_rng_state(), torch.get_default_dtype(), torch.get_num_threads(), torch.is_grad_enabled())
    visible(name, defined)
    after = (torch.random.get_rng_state(), torch.get_default_dtype(), torch.get_num_threads(), torch.is_grad_enabled())
    assert torch.equal(before[0], after[0]) and before[1:] == after[1:]


def _short(message_id: str | None, name: str) -> str | None:
    return message_id.removeprefix(f"{name}.") if message_id else message_id


def test_a_course_seed_made_by_another_grader_meanwhile_wins_and_no_partial_file_is_left(tmp_path, monkeypatch):
    """Two graders (or test workers) on a fresh course may both find no seed: the first one written is
    the one both use, so the same hidden inputs are drawn everywhere."""
    import secrets

    import autograder.exercise as facts

    seed_file = tmp_path / ".course-seed"
    monkeypatch.setattr(facts, "SEED_FILE", seed_file)
    monkeypatch.delenv("COURSE_SEED", raising=False)
    draw = secrets.randbits

    def another_grader_writes_first(bits: int) -> int:
        seed_file.write_text("12345\n")
        return draw(bits)

    monkeypatch.setattr(secrets, "randbits", another_grader_writes_first)
    assert facts.course_seed() == 12345
    monkeypatch.setattr(secrets, "randbits", draw)
    seed_file.unlink()
    made = facts.course_seed()
    assert facts.course_seed() == made == int(seed_file.read_text())
    assert [p.name for p in tmp_path.iterdir()] == [".course-seed"]
