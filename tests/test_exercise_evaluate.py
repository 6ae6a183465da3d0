"""The evaluate exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import pytest

from autograder.exercises.evaluate import hidden_tests
from helper.checks import CheckFailed
from helper.checks.evaluate import check_evaluate

from conftest import submission
from exercise_feedback import ExerciseFeedback, define

pytestmark = pytest.mark.usefixtures("english")


class TestEvaluateFeedback(ExerciseFeedback):
    exercise = "evaluate"
    check = staticmethod(check_evaluate)
    solution_also_prints = {"en": ["5 / 10 = 0.500"], "zh": ["5 / 10 = 0.500"]}  # the count, with numbers
    expected_feedback = {
        "wrong_train_mode": "The model was in training mode during evaluation",
        "wrong_tracks_gradients": "Autograd was recording during evaluation",
        "wrong_not_moved": "the inputs of a batch reached the model without being moved to the device",
        "wrong_returns_tensor": "should return a Python float, but it returned a Tensor",
        "wrong_last_batch": "the accuracy of the last batch only; expected 0.5",
        "wrong_unweighted_mean": "the plain mean of the batch accuracies; expected 0.5",
        "wrong_percent": "an accuracy is a fraction between 0 and 1",
    }
    zh_feedback = {"wrong_train_mode": "请先调用 `model.eval()`"}
    fools_visible_checks = {"wrong_hard_coded": "evaluate returned 0.5, expected"}


def test_a_wrong_dimension_for_argmax_is_caught():
    source = submission("evaluate", "correct_count").replace("argmax(dim=1)", "argmax(dim=0)")
    with pytest.raises(CheckFailed):
        hidden_tests(define("evaluate", source), devices=["cpu"])


def test_training_inside_evaluate_is_caught():
    source = submission("evaluate", "correct_count").replace(
        "            predictions = model(inputs).argmax(dim=1)",
        "            predictions = model(inputs).argmax(dim=1)\n"
        "            for p in model.parameters():\n                p.add_(0.01)")
    with pytest.raises(CheckFailed, match="evaluate changed the model's parameters"):
        check_evaluate(define("evaluate", source))
