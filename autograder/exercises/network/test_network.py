"""What the generic contract (tests/test_exercises.py) does not show of the network exercise's feedback."""

from __future__ import annotations

import re

import pytest

from autograder import testing
from autograder import wire
from autograder.checking import hidden_tests
from autograder.exercise import exercise
from autograder.probing import run_probe
from autograder.verdict import CheckFailed


def define(source: str):
    (defined,) = testing.define('network', source)
    return defined


def sample(stem: str) -> str:
    return testing.sample_source('network', stem)


def visible(Network) -> str:
    return testing.visible('network', Network)


def test_other_hidden_units_are_named_with_the_layer_and_field():
    source = sample("correct_functional").replace("nn.Linear(128, 64)", "nn.Linear(128, 32)")
    with pytest.raises(CheckFailed, match=re.escape("model.fc2 has out_features = 32, expected 64")):
        visible(define(source))


def test_a_forward_that_changes_its_input_is_caught():
    source = sample("correct_functional").replace(
        "x = x.flatten(start_dim=1)", "x = x.flatten(start_dim=1)\n        x.mul_(1.0)")
    with pytest.raises(CheckFailed, match="changed its input tensor in place") as failure:
        visible(define(source))
    assert failure.value.message_id == "input_modified"


def test_a_missing_forward_is_told_to_write_code():
    source = sample("correct_functional").split("    def forward")[0]
    with pytest.raises(CheckFailed, match="Network.forward is not implemented yet"):
        visible(define(source))


def test_a_model_that_is_not_a_module_is_told_so():
    class Network:
        pass

    with pytest.raises(CheckFailed, match=re.escape("class Network(nn.Module):")):
        visible(Network)


def test_a_flat_batch_that_means_something_else_is_named():
    source = sample("correct_functional").replace(
        "x = x.flatten(start_dim=1)", "x = x.flatten(start_dim=1) if x.dim() == 4 else x.flip(1)")
    with pytest.raises(CheckFailed) as failure:
        visible(define(source))
    assert failure.value.message_id == "network.flat_differs"


def test_layers_shared_with_a_container_are_one_set_of_parameters():
    source = """
class Network(nn.Module):
    def __init__(self):
        super().__init__()
        self.seq = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                                 nn.Linear(64, 10))
        self.fc1, self.fc2, self.fc3 = self.seq[1], self.seq[3], self.seq[5]

    def forward(self, x):
        return self.seq(x)
"""
    assert "All checks passed" in visible(define(source))
    hidden_tests("network", define(source), devices=["cpu"])


def test_the_judge_rests_on_the_references_logits():
    """Forged results (other logits, no tensor, no forward pass) fail: only the right numbers pass."""
    ex = exercise("network")
    case = next(c for c in ex.cases("cpu", seed=1) if c.hidden)
    expected = ex.expected(case)
    report = wire.round_trip(run_probe(ex.part("probe").probe, (define(sample("correct_functional")),),
                                       wire.round_trip(case.inputs)))
    judge = ex.part("judge").judge
    judge(case, report, expected)
    report["forward"][0]["result"] = report["forward"][0]["result"].detach() + 1e-3
    with pytest.raises(CheckFailed, match="is off"):
        judge(case, report, expected)
    report["forward"][0]["result"] = wire.Returned("numpy.ndarray")
    with pytest.raises(CheckFailed, match="should be a torch.Tensor, but it is a numpy.ndarray"):
        judge(case, report, expected)
    del report["forward"]
    with pytest.raises(CheckFailed, match="sent back no result of Network.forward"):
        judge(case, report, expected)
