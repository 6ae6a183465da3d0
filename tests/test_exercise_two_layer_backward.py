"""The two_layer_backward exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import pytest
import torch

from autograder.exercises.two_layer_backward import CONTEXT, hidden_tests
from helper.checks import CheckFailed
from helper.checks.two_layer_backward import (autograd_gradients, check_two_layer_backward, numerical_gradients,
                                              random_problem, relative_error)
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``two_layer_backward``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["two_layer_backward"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    source = solution_source(f"05_backprop_{language}", "backprop.ipynb", "two_layer_backward")
    two_layer_backward = define(source)
    set_language(language)
    check_two_layer_backward(two_layer_backward)
    assert ("All checks passed" if language == "en" else "全部检查通过") in capsys.readouterr().out


@pytest.mark.parametrize("name", submissions("two_layer_backward", "correct_"))
def test_correct_samples_pass_the_visible_checks(name, capsys):
    check_two_layer_backward(define(submission("two_layer_backward", name)))
    assert "All checks passed" in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
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


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_two_layer_backward(define(submission("two_layer_backward", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_is_the_gaming_one():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("two_layer_backward", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | {"wrong_hard_coded"}


def test_hard_coded_answer_fools_the_visible_checks_but_not_the_hidden_tests():
    two_layer_backward = define(submission("two_layer_backward", "wrong_hard_coded"))
    check_two_layer_backward(two_layer_backward)  # shows why hidden tests exist
    with pytest.raises(CheckFailed, match="is off"):
        hidden_tests(two_layer_backward, devices=["cpu"])


@pytest.mark.parametrize("name, expected", [
    ("wrong_no_mean", "恰好大了 N = 2 倍"),
    ("wrong_sign", "的符号全反了"),
    ("wrong_transposed_dw2", "看起来是转置了"),
    ("wrong_uses_backward", "这个练习要求你用链式法则和矩阵乘法亲手算出梯度"),
    ("wrong_updates_weights", "原地修改了输入张量"),
])
def test_feedback_follows_the_notebook_language(name, expected):
    set_language("zh")
    with pytest.raises(CheckFailed, match=re.escape(expected)):
        check_two_layer_backward(define(submission("two_layer_backward", name)))


def test_unanswered_stub_is_told_to_write_code():
    def two_layer_backward(X, y, W1, W2):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        check_two_layer_backward(two_layer_backward)
    set_language("zh")
    with pytest.raises(CheckFailed, match="还没有实现"):
        check_two_layer_backward(two_layer_backward)


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
        hidden_tests(define(source), devices=["cpu"])


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
