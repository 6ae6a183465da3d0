"""The LeNet exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import re

import pytest

from helper.checks import CheckFailed
from helper.checks.lenet import N_PARAMETERS, check_lenet

from conftest import submission
from exercise_feedback import ExerciseFeedback, define, define_sample

pytestmark = pytest.mark.usefixtures("english")


class TestLeNetFeedback(ExerciseFeedback):
    exercise = "lenet"
    check = staticmethod(check_lenet)
    expected_feedback = {
        "wrong_average_pooling": "matches LeNet with average pooling",
        "wrong_missing_relu": "matches LeNet without ReLU after fc1 and fc2",
        "wrong_flatten_batch": "flattened the whole batch of shape (4, 1, 32, 32) into a single row",
        "wrong_fc1_size": "model.fc1 has in_features = 256, expected 400",
        "wrong_no_second_pool": "returned 16 rows of logits for a batch of 4 images",
        "wrong_relu_on_output": "forward applies ReLU after fc3 too",
    }
    zh_feedback = {"wrong_average_pooling": "与使用平均池化的 LeNet 一致"}
    fools_visible_checks = {  # a batch of four hides it; a batch of one does not
        "wrong_squeeze_output": "(1, 1, 32, 32), seed 21, on cpu has shape (10,), expected (1, 10)",
    }


def test_parameter_count_is_the_blitz_one():
    assert N_PARAMETERS == 61_706


def test_fc1_size_mistake_explains_the_400():
    with pytest.raises(CheckFailed, match=re.escape("16 · 5 · 5 = 400")):
        check_lenet(define_sample("lenet", "wrong_fc1_size"))


def test_a_convolution_with_padding_is_named():
    source = submission("lenet", "correct_functional").replace("nn.Conv2d(1, 6, 5)", "nn.Conv2d(1, 6, 5, padding=2)")
    with pytest.raises(CheckFailed, match=re.escape("model.conv1 has padding = (2, 2), expected (0, 0)")):
        check_lenet(define("lenet", source))


def test_a_wrong_layer_type_is_named():
    source = submission("lenet", "correct_functional").replace("nn.Conv2d(6, 16, 5)", "nn.Linear(6, 16)")
    with pytest.raises(CheckFailed, match=re.escape("model.conv2 should be an nn.Conv2d, but it is a Linear")):
        check_lenet(define("lenet", source))


def test_extra_parameters_are_counted_and_named():
    source = submission("lenet", "correct_functional").replace(
        "self.fc3 = nn.Linear(84, 10)", "self.fc3 = nn.Linear(84, 10)\n        self.fc4 = nn.Linear(10, 10)")
    with pytest.raises(CheckFailed, match=re.escape("LeNet has 61,816 parameters, expected 61,706")):
        check_lenet(define("lenet", source))


def test_the_judge_rests_on_logits_it_computes_itself():
    """Forged results (the probe's report with other logits, or no tensor) fail: only the right numbers pass."""
    from autograder import wire
    from autograder.exercises import lenet
    from autograder.probes import run_probe
    from autograder.probes.lenet import probe

    case, inputs = next(iter(lenet.cases("cpu")))
    LeNet = define_sample("lenet", "correct_modules")
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
