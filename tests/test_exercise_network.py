"""The network exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import re

import pytest

from autograder.exercises.network import hidden_tests
from helper.checks import CheckFailed
from helper.checks.network import check_network

from conftest import submission
from exercise_feedback import ExerciseFeedback, define, define_sample

pytestmark = pytest.mark.usefixtures("english")


class TestNetworkFeedback(ExerciseFeedback):
    exercise = "network"
    check = staticmethod(check_network)
    expected_feedback = {
        "wrong_sigmoid": "matches a network with sigmoid between the layers",
        "wrong_softmax_in_forward": "is the softmax of the logits",
        "wrong_layer_names": "Network has no layer named fc1",
        "wrong_swapped_sizes": "model.fc1 has out_features = 64, expected 128",
        "wrong_no_flatten": "Flatten the input at the start of forward",
        "wrong_relu_on_output": "forward applies ReLU after fc3 too",
        "wrong_flatten_everything": "flattened the whole batch of shape (5, 1, 28, 28) into a single row",
    }
    zh_feedback = {
        "wrong_softmax_in_forward": "forward 应该直接返回 fc3 输出的 logits",
        "wrong_no_flatten": "请在 forward 开头把输入展平",
    }
    fools_visible_checks = {
        "wrong_leftover_layer": "parameters besides those of fc1, fc2 and fc3: fc4.weight, fc4.bias",
        "wrong_forces_float32": "must have the same dtype",
    }


def test_hidden_tests_name_the_mistake_too():
    with pytest.raises(CheckFailed, match="sigmoid between the layers"):
        hidden_tests(define_sample("network", "wrong_sigmoid"), devices=["cpu"])


def test_extra_hidden_units_are_named_with_the_layer_and_field():
    source = submission("network", "correct_functional").replace("nn.Linear(128, 64)", "nn.Linear(128, 32)")
    with pytest.raises(CheckFailed, match=re.escape("model.fc2 has out_features = 32, expected 64")):
        check_network(define("network", source))


def test_a_forward_that_changes_its_input_is_caught():
    source = submission("network", "correct_functional").replace(
        "x = x.flatten(start_dim=1)", "x = x.flatten(start_dim=1)\n        x.mul_(1.0)")
    with pytest.raises(CheckFailed, match="changed its input tensor in place"):
        check_network(define("network", source))


def test_a_missing_forward_is_told_to_write_code():
    source = submission("network", "correct_functional").split("    def forward")[0]
    with pytest.raises(CheckFailed, match="Network.forward is not implemented yet"):
        check_network(define("network", source))


def test_a_model_that_is_not_a_module_is_told_so():
    class Network:
        pass

    with pytest.raises(CheckFailed, match=re.escape("class Network(nn.Module):")):
        check_network(Network)


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
    check_network(define("network", source))
    hidden_tests(define("network", source), devices=["cpu"])


def test_the_judge_rests_on_logits_it_computes_itself():
    """Forged results (the probe's report with other logits, or no tensor) fail: only the right numbers pass."""
    from autograder import wire
    from autograder.exercises import network
    from autograder.probes import run_probe
    from autograder.probes.network import probe

    case, inputs = next(iter(network.cases("cpu")))
    Network = define_sample("network", "correct_functional")
    report = wire.round_trip(run_probe(probe, (Network,), wire.round_trip(inputs)))
    network.judge(case, inputs, report)
    report["forward"][0]["result"] = report["forward"][0]["result"].detach() + 1e-3
    with pytest.raises(CheckFailed, match="is off"):
        network.judge(case, inputs, report)
    report["forward"][0]["result"] = wire.Returned("numpy.ndarray")
    with pytest.raises(CheckFailed, match="should be a torch.Tensor, but it is a numpy.ndarray"):
        network.judge(case, inputs, report)
    del report["forward"]
    with pytest.raises(CheckFailed, match="sent back no result of Network.forward"):
        network.judge(case, inputs, report)
