"""The LeNet exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import nbformat
import pytest

from autograder.exercises.lenet import CONTEXT, hidden_tests
from course.paths import REPO
from helper.checks import CheckFailed
from helper.checks.lenet import N_PARAMETERS, check_lenet
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``LeNet``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["LeNet"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def test_parameter_count_is_the_blitz_one():
    assert N_PARAMETERS == 61_706


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    LeNet = define(solution_source(f"03_lenet_{language}", "lenet.ipynb", "lenet"))
    set_language(language)
    check_lenet(LeNet)
    assert ("All checks passed" if language == "en" else "全部检查通过") in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_average_pooling": "matches LeNet with average pooling",
    "wrong_missing_relu": "matches LeNet without ReLU after fc1 and fc2",
    "wrong_flatten_batch": "flattened the whole batch of shape (4, 1, 32, 32) into a single row",
    "wrong_fc1_size": "model.fc1 has in_features = 256, expected 400",
    "wrong_no_second_pool": "returned 16 rows of logits for a batch of 4 images",
    "wrong_relu_on_output": "forward applies ReLU after fc3 too",
}
FOOL_THE_VISIBLE_CHECKS = {"wrong_squeeze_output"}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_lenet(define(submission("lenet", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_fools_the_visible_checks_on_purpose():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("lenet", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | FOOL_THE_VISIBLE_CHECKS


def test_squeezed_output_fools_the_visible_checks_but_not_a_batch_of_one():
    LeNet = define(submission("lenet", "wrong_squeeze_output"))
    check_lenet(LeNet)  # a batch of four hides it
    with pytest.raises(CheckFailed, match=re.escape("(1, 1, 32, 32), seed 21, on cpu has shape (10,), expected (1, 10)")):
        hidden_tests(LeNet, devices=["cpu"])


def test_fc1_size_mistake_explains_the_400():
    with pytest.raises(CheckFailed, match=re.escape("16 · 5 · 5 = 400")):
        check_lenet(define(submission("lenet", "wrong_fc1_size")))


def test_a_convolution_with_padding_is_named():
    source = submission("lenet", "correct_functional").replace("nn.Conv2d(1, 6, 5)", "nn.Conv2d(1, 6, 5, padding=2)")
    with pytest.raises(CheckFailed, match=re.escape("model.conv1 has padding = (2, 2), expected (0, 0)")):
        check_lenet(define(source))


def test_a_wrong_layer_type_is_named():
    source = submission("lenet", "correct_functional").replace("nn.Conv2d(6, 16, 5)", "nn.Linear(6, 16)")
    with pytest.raises(CheckFailed, match=re.escape("model.conv2 should be an nn.Conv2d, but it is a Linear")):
        check_lenet(define(source))


def test_extra_parameters_are_counted_and_named():
    source = submission("lenet", "correct_functional").replace(
        "self.fc3 = nn.Linear(84, 10)", "self.fc3 = nn.Linear(84, 10)\n        self.fc4 = nn.Linear(10, 10)")
    with pytest.raises(CheckFailed, match=re.escape("LeNet has 61,816 parameters, expected 61,706")):
        check_lenet(define(source))


def test_feedback_follows_the_notebook_language():
    set_language("zh")
    with pytest.raises(CheckFailed, match="与使用平均池化的 LeNet 一致"):
        check_lenet(define(submission("lenet", "wrong_average_pooling")))


def released_answer_cell(language: str, grade_id: str) -> str:
    """An answer cell exactly as students receive it (nbgrader's stub in place of the solution)."""
    notebook = nbformat.read(REPO / "release" / f"03_lenet_{language}" / "lenet.ipynb", as_version=4)
    [cell] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    return cell.source


@pytest.mark.parametrize("language, feedback", [("en", "LeNet is not implemented yet"), ("zh", "LeNet 还没有实现")])
def test_unanswered_stub_is_told_to_write_code(language, feedback):
    LeNet = define(released_answer_cell(language, "lenet"))
    set_language(language)
    with pytest.raises(CheckFailed, match=feedback):
        check_lenet(LeNet)


def test_the_judge_rests_on_logits_it_computes_itself():
    """Forged results (the probe's report with other logits, or no tensor) fail: only the right numbers pass."""
    from autograder import wire
    from autograder.exercises import lenet
    from autograder.probes import run_probe
    from autograder.probes.lenet import probe

    case, inputs = next(iter(lenet.cases("cpu")))
    LeNet = define(submission("lenet", "correct_modules"))
    report = wire.round_trip(run_probe(probe, (LeNet,), wire.round_trip(inputs)))
    lenet.judge(case, inputs, report)
    report["forward"][-1]["result"] = report["forward"][-1]["result"].detach() * 1.01
    with pytest.raises(CheckFailed, match="is off"):
        lenet.judge(case, inputs, report)
    report["forward"][-1]["result"] = wire.Returned("numpy.ndarray")
    with pytest.raises(CheckFailed, match="should be a torch.Tensor, but it is a numpy.ndarray"):
        lenet.judge(case, inputs, report)
    report["parameters"].append({"names": ["extra"], "shape": (3,)})
    with pytest.raises(CheckFailed, match="besides those of conv1, conv2, fc1, fc2, fc3: extra"):
        lenet.judge(case, inputs, report)
