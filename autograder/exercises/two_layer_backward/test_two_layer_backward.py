"""What the two_layer_backward exercise tells a student, beyond the contract of ``tests/test_exercises.py``."""

from __future__ import annotations

import pytest
import torch
import torch.fx.traceback

from autograder.checking import check, hidden_tests
from autograder.exercise import exercise
from autograder.exercises.two_layer_backward.judge import relative_error
from autograder.exercises.two_layer_backward.reference import autograd_gradients, numerical_gradients
from autograder.verdict import CheckFailed


def by_hand(X, y, W1, W2, sigmoid=torch.sigmoid):
    h = sigmoid(X @ W1)
    d_z2 = (sigmoid(h @ W2) - y) / len(X)
    return X.T @ ((d_z2 @ W2.T) * h * (1 - h)), h.T @ d_z2


def failure(fn, *, hidden: bool = True) -> CheckFailed:
    with pytest.raises(CheckFailed) as raised:
        if hidden:
            hidden_tests("two_layer_backward", fn, devices=["cpu"])
        else:
            check("two_layer_backward", fn)
    return raised.value


def test_leaving_inference_mode_and_catching_the_error_does_not_hide_the_graph():
    def two_layer_backward(X, y, W1, W2):
        with torch.inference_mode(False), torch.enable_grad():
            a, b = W1.clone().requires_grad_(), W2.clone().requires_grad_()
            y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)
            loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).mean()
            try:
                return torch.autograd.grad(loss, (a, b))
            except Exception:
                return by_hand(X, y, W1, W2)

    assert failure(two_layer_backward).message_id == "two_layer_backward.uses_graph"


def test_switching_anomaly_mode_off_to_build_a_graph_unseen_is_seen():
    def two_layer_backward(X, y, W1, W2):
        torch.autograd.set_detect_anomaly(False)
        return by_hand(X, y, W1, W2)

    assert failure(two_layer_backward).message_id == "two_layer_backward.uses_graph"


def test_the_watch_leaves_no_trace():
    format_stack = torch.fx.traceback.format_stack
    for anomaly in (False, True):
        torch.autograd.set_detect_anomaly(anomaly)
        try:
            hidden_tests("two_layer_backward", by_hand, devices=["cpu"])
            assert torch.is_anomaly_enabled() is anomaly and torch.is_grad_enabled()
        finally:
            torch.autograd.set_detect_anomaly(False)
    assert torch.fx.traceback.format_stack is format_stack


def test_a_non_tuple_result_is_named():
    told = failure(lambda X, y, W1, W2: torch.zeros_like(W1), hidden=False)
    assert "should return a tuple (dW1, dW2) of two tensors, but it returned Tensor" in str(told)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_hidden_cases_saturate_the_sigmoids_in_each_dtype(dtype):
    ex = exercise("two_layer_backward")
    facts = [ex.expected(c) for c in ex.cases("cpu", seed=1) if c.hidden and c.inputs["X"].dtype == dtype]
    assert sum(f["saturated"] for f in facts) >= 4


def test_a_sigmoid_that_overflows_is_caught_where_it_saturates():
    """exp(z) / (1 + exp(z)) is inf / inf = nan beyond z = 709 in float64: only the saturated cases reach that."""
    told = failure(lambda X, y, W1, W2: by_hand(X, y, W1, W2, sigmoid=lambda z: z.exp() / (1 + z.exp())))
    assert told.message_id == "two_layer_backward.saturated" and "saturated" in str(told)


def test_the_references_agree_with_each_other():
    generator = torch.Generator().manual_seed(0)
    for n, d, h in [(1, 1, 1), (4, 3, 5), (9, 2, 7)]:
        X, W1, W2 = (torch.randn(*shape, generator=generator, dtype=torch.float64) for shape in ((n, d), (d, h), (h, 1)))
        y = torch.randint(0, 2, (n, 1), generator=generator).double()
        for a, b in zip(autograd_gradients(X, y, W1, W2), numerical_gradients(X, y, W1, W2)):
            assert a.shape == b.shape and relative_error(a, b) < 1e-8
