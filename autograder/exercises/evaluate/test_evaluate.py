"""What the generic contract (tests/test_exercises.py) does not cover for ``evaluate``: the public case is
what its docstring says, and variations of the lesson's answer that must be named."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from autograder import testing
from autograder.checking import check, hidden_tests
from autograder.exercises.evaluate.cases import PUBLIC_ACCURACY, public_spec
from autograder.exercises.evaluate.reference import expected, outputs, right_per_batch
from autograder.verdict import CheckFailed

SAMPLES = Path(__file__).parent / "samples"


def define(source: str):
    (defined,) = testing.define('evaluate', source)
    return defined


def changed(old: str, new: str) -> str:
    source = (SAMPLES / "correct_count.py").read_text(encoding="utf-8")
    assert old in source
    return source.replace(old, new)


def test_the_public_case_has_the_counts_its_title_gives():
    spec = public_spec("cpu")
    assert right_per_batch(spec) == ([4, 1, 3, 0], [4, 4, 4, 2])
    assert expected(spec)["accuracy"] == PUBLIC_ACCURACY
    values = expected(spec)["mistakes"].values()
    assert all(abs(v - PUBLIC_ACCURACY) > 0.01 for v in values)  # every usual mistake is told apart
    top = outputs(spec).topk(2, dim=1).values
    assert (top[:, 0] - top[:, 1]).min() > 1e-3  # no near-tie that rounding could flip


def test_a_wrong_dimension_for_argmax_is_caught():
    with pytest.raises(CheckFailed):
        hidden_tests("evaluate", define(changed("argmax(dim=1)", "argmax(dim=0)")), devices=["cpu"])


def test_training_inside_evaluate_is_caught():
    source = changed("            predictions = model(inputs).argmax(dim=1)",
                     "            predictions = model(inputs).argmax(dim=1)\n"
                     "            for p in model.parameters():\n                p.add_(0.01)")
    with pytest.raises(CheckFailed) as failure, redirect_stdout(io.StringIO()):
        check("evaluate", define(source))
    assert failure.value.message_id == "evaluate.changed_model"


def test_keeping_predictions_is_not_keeping_outputs():
    """A list of predicted classes (one number per sample) is not what the memory watch looks for."""
    source = ("def evaluate(model, loader, device):\n    model.eval()\n    found, truth = [], []\n"
              "    with torch.no_grad():\n        for inputs, labels in loader:\n"
              "            found.append(model(inputs.to(device)).argmax(dim=1).cpu())\n"
              "            truth.append(labels)\n"
              "    return (torch.cat(found) == torch.cat(truth)).float().mean().item()\n")
    hidden_tests("evaluate", define(source), devices=["cpu"])
