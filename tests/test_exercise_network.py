"""The network exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import nbformat
import pytest
import torch

from autograder.exercises.network import CONTEXT, hidden_tests
from course.paths import REPO
from helper.checks import CheckFailed
from helper.checks.network import check_network
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``Network``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["Network"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    Network = define(solution_source(f"02_torch_nn_{language}", "torch_nn.ipynb", "network"))
    set_language(language)
    check_network(Network)
    assert ("All checks passed" if language == "en" else "全部检查通过") in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_sigmoid": "matches a network with sigmoid between the layers",
    "wrong_softmax_in_forward": "is the softmax of the logits",
    "wrong_layer_names": "Network has no layer named fc1",
    "wrong_swapped_sizes": "model.fc1 has out_features = 64, expected 128",
    "wrong_no_flatten": "Flatten the input at the start of forward",
    "wrong_relu_on_output": "forward applies ReLU after fc3 too",
    "wrong_flatten_everything": "flattened the whole batch of shape (5, 1, 28, 28) into a single row",
}
FOOL_THE_VISIBLE_CHECKS = {"wrong_leftover_layer", "wrong_forces_float32"}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_network(define(submission("network", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_fools_the_visible_checks_on_purpose():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("network", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | FOOL_THE_VISIBLE_CHECKS


@pytest.mark.parametrize("name, hidden_feedback", [
    ("wrong_leftover_layer", "parameters besides those of fc1, fc2 and fc3: fc4.weight, fc4.bias"),
    ("wrong_forces_float32", "must have the same dtype"),
])
def test_mistakes_the_visible_checks_miss_are_caught_by_the_hidden_tests(name, hidden_feedback):
    Network = define(submission("network", name))
    check_network(Network)  # shows why hidden tests exist
    with pytest.raises(CheckFailed, match=re.escape(hidden_feedback)):
        hidden_tests(Network, devices=["cpu"])


def test_hidden_tests_name_the_mistake_too():
    with pytest.raises(CheckFailed, match="sigmoid between the layers"):
        hidden_tests(define(submission("network", "wrong_sigmoid")), devices=["cpu"])


def test_extra_hidden_units_are_named_with_the_layer_and_field():
    source = submission("network", "correct_functional").replace("nn.Linear(128, 64)", "nn.Linear(128, 32)")
    with pytest.raises(CheckFailed, match=re.escape("model.fc2 has out_features = 32, expected 64")):
        check_network(define(source))


def test_a_forward_that_changes_its_input_is_caught():
    source = submission("network", "correct_functional").replace(
        "x = x.flatten(start_dim=1)", "x = x.flatten(start_dim=1)\n        x.mul_(1.0)")
    with pytest.raises(CheckFailed, match="changed its input tensor in place"):
        check_network(define(source))


def test_feedback_follows_the_notebook_language():
    set_language("zh")
    with pytest.raises(CheckFailed, match="forward 应该直接返回 fc3 输出的 logits"):
        check_network(define(submission("network", "wrong_softmax_in_forward")))
    with pytest.raises(CheckFailed, match="请在 forward 开头把输入展平"):
        check_network(define(submission("network", "wrong_no_flatten")))


def released_answer_cell(language: str) -> str:
    """The answer cell exactly as students receive it (nbgrader's stub in place of the solution)."""
    path = REPO / "release" / f"02_torch_nn_{language}" / "torch_nn.ipynb"
    notebook = nbformat.read(path, as_version=4)
    [cell] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "network"]
    return cell.source


@pytest.mark.parametrize("language, feedback", [("en", "not implemented yet"), ("zh", "还没有实现")])
def test_unanswered_stub_is_told_to_write_code(language, feedback):
    Network = define(released_answer_cell(language))
    set_language(language)
    with pytest.raises(CheckFailed, match=feedback):
        check_network(Network)


def test_a_missing_forward_is_told_to_write_code():
    source = submission("network", "correct_functional").split("    def forward")[0]
    with pytest.raises(CheckFailed, match="Network.forward is not implemented yet"):
        check_network(define(source))


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
    check_network(define(source))
    hidden_tests(define(source), devices=["cpu"])


def test_the_judge_rests_on_logits_it_computes_itself():
    """Forged results (the probe's report with other logits, or no tensor) fail: only the right numbers pass."""
    from autograder import wire
    from autograder.exercises import network
    from autograder.probes import run_probe
    from autograder.probes.network import probe

    case, inputs = next(iter(network.cases("cpu")))
    Network = define(submission("network", "correct_functional"))
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
