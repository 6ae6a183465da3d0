"""What the generic contract (tests/test_exercises.py) does not show of the LeNet exercise's feedback."""

from __future__ import annotations

import re

import pytest

from autograder import testing
from autograder import wire
from autograder.exercise import exercise
from autograder.probing import run_probe
from autograder.verdict import CheckFailed


def define(source: str):
    (defined,) = testing.define('lenet', source)
    return defined


def sample(stem: str) -> str:
    return testing.sample_source('lenet', stem)


def visible(LeNet) -> str:
    return testing.visible('lenet', LeNet)


def test_the_parameter_count_is_the_blitz_one():
    assert exercise("lenet").part("judge").N_PARAMETERS == 61_706


def test_the_fc1_size_mistake_explains_the_400():
    with pytest.raises(CheckFailed, match=re.escape("16 · 5 · 5 = 400")):
        visible(define(sample("wrong_fc1_size")))


def test_a_convolution_with_padding_is_named():
    source = sample("correct_functional").replace("nn.Conv2d(1, 6, 5)", "nn.Conv2d(1, 6, 5, padding=2)")
    with pytest.raises(CheckFailed, match=re.escape("model.conv1 has padding = (2, 2), expected (0, 0)")):
        visible(define(source))


def test_a_wrong_layer_type_is_named():
    source = sample("correct_functional").replace("nn.Conv2d(6, 16, 5)", "nn.Linear(6, 16)")
    with pytest.raises(CheckFailed, match=re.escape("model.conv2 should be an nn.Conv2d, but it is a Linear")):
        visible(define(source))


def test_extra_parameters_are_counted_and_named():
    source = sample("correct_functional").replace(
        "self.fc3 = nn.Linear(84, 10)", "self.fc3 = nn.Linear(84, 10)\n        self.fc4 = nn.Linear(10, 10)")
    with pytest.raises(CheckFailed, match=re.escape("LeNet has 61,816 parameters, expected 61,706")):
        visible(define(source))


def test_the_visible_check_says_only_what_it_ran():
    printed = visible(define(sample("correct_modules")))
    assert "(4, 1, 32, 32)" in printed and "61,706" in printed and "All checks passed" in printed


def test_the_judge_rests_on_the_references_logits():
    """Forged results (other logits, no tensor, an extra parameter) fail: only the right numbers pass."""
    ex = exercise("lenet")
    case = next(c for c in ex.cases("cpu", seed=1) if c.hidden)
    expected = ex.expected(case)
    report = wire.round_trip(run_probe(ex.part("probe").probe, (define(sample("correct_modules")),),
                                       wire.round_trip(case.inputs)))
    judge = ex.part("judge").judge
    judge(case, report, expected)
    report["forward"][-1]["result"] = report["forward"][-1]["result"].detach() * 1.01
    with pytest.raises(CheckFailed, match="is off"):
        judge(case, report, expected)
    report["forward"][-1]["result"] = wire.Returned("numpy.ndarray")
    with pytest.raises(CheckFailed, match="should be a torch.Tensor, but it is a numpy.ndarray"):
        judge(case, report, expected)
    report["parameters"].append({"names": ["extra"], "shape": (3,), "numel": 3})
    with pytest.raises(CheckFailed, match="besides those of conv1, conv2, fc1, fc2, fc3: extra"):
        judge(case, report, expected)
