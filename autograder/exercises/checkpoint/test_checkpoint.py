"""What the generic contract (tests/test_exercises.py) does not cover for the checkpoint exercise: the corners
the hidden cases reach, other right forms (a Path, extra entries), and answers that must be named."""

from __future__ import annotations

import torch

from autograder import testing
from autograder.checking import hidden_tests
from autograder.exercise import exercise

SAMPLES = exercise("checkpoint").folder / "samples"


def lesson_answer() -> str:
    return (SAMPLES / "correct_state_dicts.py").read_text(encoding="utf-8")


def define(source: str) -> tuple:
    return testing.define("checkpoint", source)


def test_the_hidden_cases_reach_the_corners():
    hidden = [case.inputs for case in exercise("checkpoint").cases("cpu", seed=1) if case.hidden]
    assert any(c["epoch"] == 0 for c in hidden), "a checkpoint after the very first epoch"
    assert {c["dtype"] for c in hidden} == {"float32", "float64"}
    assert {c["optimizer"].split("(")[0] for c in hidden} >= {"AdamW", "SGD", "RMSprop", "Adam"}
    assert all(not torch.equal(c["first_weights"][0], c["other_weights"][0]) for c in hidden)


def test_the_hidden_cases_follow_the_seed():
    first, again = (exercise("checkpoint").cases("cpu", seed=s) for s in (1, 1))
    assert [c.name for c in first] == [c.name for c in again]
    assert all(torch.equal(a.inputs["inputs"], b.inputs["inputs"]) for a, b in zip(first, again))


def test_extra_entries_and_a_path_object_are_fine():
    source = lesson_answer().replace('"epoch": epoch}, path)',
                                     '"epoch": epoch, "note": "lesson 10", "seed": torch.tensor(0)}, Path(path))')
    hidden_tests("checkpoint", *define(source))


def test_a_checkpoint_without_buffers_is_named():
    source = lesson_answer().replace(
        'model.load_state_dict(checkpoint["model"])',
        'model.load_state_dict({k: v for k, v in checkpoint["model"].items() if "running" not in k}, strict=False)')
    failure = testing.visible_failure("checkpoint", *define(source))
    assert failure.message_id == "checkpoint.buffers_differ"


def test_an_epoch_as_a_tensor_is_named():
    source = lesson_answer().replace('return checkpoint["epoch"] + 1', 'return torch.tensor(checkpoint["epoch"] + 1)')
    failure = testing.visible_failure("checkpoint", *define(source))
    assert failure.message_id == "checkpoint.epoch_not_int"


def test_the_pickled_model_is_explained_in_both_languages():
    from helper.i18n import set_language

    source = (SAMPLES / "wrong_pickles_objects.py").read_text(encoding="utf-8")
    assert "weights_only=True" in str(testing.visible_failure("checkpoint", *define(source)))
    set_language("zh")
    assert "state_dict" in str(testing.visible_failure("checkpoint", *define(source)))
