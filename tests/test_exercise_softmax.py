"""The softmax exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import pytest
import torch

from autograder.exercises.softmax import hidden_tests
from helper.checks import CheckFailed, check_softmax

from exercise_feedback import ExerciseFeedback

pytestmark = pytest.mark.usefixtures("english")


class TestSoftmaxFeedback(ExerciseFeedback):
    exercise = "softmax"
    check = staticmethod(check_softmax)
    expected_feedback = {
        "wrong_sum_dim0": "softmax(x) is off",
        "wrong_unstable_exp": "NaN or infinite",
        "wrong_no_keepdim": "must match the size of tensor b",
        "wrong_global_max": "NaN or infinite",
        "wrong_calls_torch_softmax": "calls torch.softmax",
        "wrong_log_softmax_exp": "calls torch.log_softmax",
        "wrong_in_place": "changed its input tensor in place",
        "wrong_float64": "dtype torch.float64, expected torch.float32",
        "wrong_returns_list": "should be a torch.Tensor, but it is a list",
    }
    zh_feedback = {"wrong_in_place": "原地修改了输入张量"}
    fools_visible_checks = {"wrong_hard_coded": "is off"}


def test_tensor_subclass_cannot_pose_as_the_answer():
    class AlwaysClose(torch.Tensor):
        def __eq__(self, other):
            return True

    def softmax(x):
        return torch.zeros_like(x).as_subclass(AlwaysClose)

    with pytest.raises(CheckFailed, match="should be a torch.Tensor"):
        hidden_tests(softmax, devices=["cpu"])
