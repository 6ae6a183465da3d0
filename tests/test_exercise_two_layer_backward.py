"""The two_layer_backward exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import pytest
import torch

from autograder.exercises.two_layer_backward import hidden_tests
from helper.checks import CheckFailed
from helper.checks.two_layer_backward import (autograd_gradients, check_two_layer_backward, numerical_gradients,
                                              random_problem, relative_error)

from exercise_feedback import ExerciseFeedback, define

pytestmark = pytest.mark.usefixtures("english")


class TestTwoLayerBackwardFeedback(ExerciseFeedback):
    exercise = "two_layer_backward"
    check = staticmethod(check_two_layer_backward)
    expected_feedback = {
        "wrong_no_mean": "dW2 is exactly N = 2 times too large",
        "wrong_no_hidden_sigmoid_derivative": "dW1 is off: at index (0, 0) it is -0.331054, expected -0.0738336",
        "wrong_x_times_delta": "raised RuntimeError: mat1 and mat2 shapes cannot be multiplied (5x3 and 5x4)",
        "wrong_transposed_dw2": "dW2 has shape (1, 4), expected (4, 1): it looks transposed",
        "wrong_h_instead_of_x": "dW1 has shape (4, 4), expected (3, 4)",
        "wrong_mse_derivative": "dW2 is off: at index (0, 0) it is -0.0176475, expected -0.0710267",
        "wrong_sign": "dW2 has the wrong sign everywhere",
        "wrong_uses_backward": "two_layer_backward uses autograd",
        "wrong_autograd_enable_grad": "two_layer_backward uses autograd",
        "wrong_updates_weights": "two_layer_backward changed its input tensor in place",
        "wrong_returns_dw2_first": "dW1 has shape (4, 1), expected (3, 4)",
    }
    zh_feedback = {
        "wrong_no_mean": "恰好大了 N = 2 倍",
        "wrong_sign": "的符号全反了",
        "wrong_transposed_dw2": "看起来是转置了",
        "wrong_uses_backward": "这个练习要求你用链式法则和矩阵乘法亲手算出梯度",
        "wrong_updates_weights": "原地修改了输入张量",
    }
    fools_visible_checks = {"wrong_hard_coded": "is off"}


@pytest.mark.parametrize("source", [
    # torch.func refuses to run under the saved-tensors hook: reported as autograd, not as a crash.
    "def two_layer_backward(X, y, W1, W2):\n"
    "    def loss(a, b):\n"
    "        y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)\n"
    "        return torch.nn.functional.binary_cross_entropy(y_hat, y)\n"
    "    return torch.func.grad(loss, argnums=(0, 1))(W1, W2)\n",
    # Leaving inference mode and grad mode off does not hide the graph from the hook.
    "def two_layer_backward(X, y, W1, W2):\n"
    "    with torch.inference_mode(False), torch.enable_grad():\n"
    "        a, b = W1.clone().requires_grad_(), W2.clone().requires_grad_()\n"
    "        y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)\n"
    "        loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).mean()\n"
    "        try:\n"
    "            return torch.autograd.grad(loss, (a, b))\n"
    "        except Exception:\n"
    "            return torch.zeros_like(W1), torch.zeros_like(W2)\n",
])
def test_autograd_is_caught_however_it_is_reached(source):
    with pytest.raises(CheckFailed, match="uses autograd"):
        hidden_tests(define("two_layer_backward", source), devices=["cpu"])


def test_a_non_tuple_result_is_named():
    def two_layer_backward(X, y, W1, W2):
        return torch.zeros_like(W1)

    with pytest.raises(CheckFailed, match="should return a tuple \\(dW1, dW2\\) of two tensors, but it returned Tensor"):
        check_two_layer_backward(two_layer_backward)


def test_the_references_agree_with_each_other():
    for seed, size in enumerate([(1, 1, 1), (4, 3, 5), (9, 2, 7)]):
        problem = random_problem(*size, seed=seed)
        for a, b in zip(autograd_gradients(*problem), numerical_gradients(*problem)):
            assert a.shape == b.shape and relative_error(a, b) < 1e-8
