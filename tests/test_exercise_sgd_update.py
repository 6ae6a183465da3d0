"""The sgd_update exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import re

import pytest
import torch
from torch import nn

from autograder.exercises.sgd_update import hidden_tests
from helper.checks import CheckFailed
from helper.checks.sgd_update import check_sgd_update

from conftest import submission
from exercise_feedback import ExerciseFeedback, define, define_sample

pytestmark = pytest.mark.usefixtures("english", "autograd_back_on")


class TestSgdUpdateFeedback(ExerciseFeedback):
    exercise = "sgd_update"
    check = staticmethod(check_sgd_update)
    solution_also_prints = {"en": ["[0.95, -2.05, 3.1]"], "zh": ["[0.95, -2.05, 3.1]"]}  # the worked example
    expected_feedback = {
        "wrong_rebinds": "The parameters did not change. `p = p - lr * p.grad`",
        "wrong_no_no_grad": "wrap it in `with torch.no_grad():`",
        "wrong_adds_gradient": "The parameters moved by +lr · grad, uphill",
        "wrong_zeroes_grads": "sgd_update changed the gradient of parameter 0 (its .grad has different values now)",
        "wrong_uses_optimizer": "sgd_update creates a torch.optim optimizer (SGD)",
        "wrong_none_grad": "crashed on a parameter whose .grad is None",
        "wrong_set_grad_enabled": "autograd is switched off for the rest of the notebook",
    }
    zh_feedback = {"wrong_no_no_grad": "请把它放在 `with torch.no_grad():` 里面"}


@pytest.mark.parametrize("name", ["wrong_uses_optimizer", "wrong_set_grad_enabled", "correct_in_place"])
def test_checks_leave_torch_as_they_found_it(name):
    """The optimizer spy is removed and autograd is back on, whatever the answer did."""
    init = torch.optim.Optimizer.__init__
    try:
        hidden_tests(define_sample("sgd_update", name), devices=["cpu"])
    except CheckFailed:
        pass
    assert torch.optim.Optimizer.__init__ is init
    assert torch.is_grad_enabled()


def test_optimizer_hidden_behind_a_helper_is_still_seen():
    source = ("def _step(params, lr):\n    torch.optim.SGD(params, lr=lr).step()\n\n"
              "def sgd_update(parameters, lr):\n    try:\n        _step(list(parameters), lr)\n"
              "    except Exception:\n        pass\n")
    with pytest.raises(CheckFailed, match="creates a torch.optim optimizer"):
        hidden_tests(define("sgd_update", source), devices=["cpu"])


def test_a_fixed_learning_rate_is_caught():
    source = submission("sgd_update", "correct_in_place").replace("lr * p.grad", "0.1 * p.grad")
    with pytest.raises(CheckFailed, match="parameter 0 after sgd_update is off"):
        check_sgd_update(define("sgd_update", source))


def test_returning_the_parameters_is_caught():
    source = submission("sgd_update", "correct_in_place") + "    return parameters\n"
    with pytest.raises(CheckFailed, match="should return None"):
        check_sgd_update(define("sgd_update", source))


def test_replacing_list_elements_is_caught():
    source = ("def sgd_update(parameters, lr):\n    for i, p in enumerate(parameters):\n"
              "        if p.grad is not None:\n            parameters[i] = (p - lr * p.grad).detach()\n")
    with pytest.raises(CheckFailed, match="replaced elements of the list"):
        check_sgd_update(define("sgd_update", source))


def test_setting_grads_to_none_is_caught():
    source = submission("sgd_update", "correct_in_place").replace(
        "p -= lr * p.grad", "p -= lr * p.grad\n                p.grad = None")
    with pytest.raises(CheckFailed, match=re.escape("(its .grad became None)")):
        check_sgd_update(define("sgd_update", source))


def test_the_update_matches_sgd_bit_for_bit_with_add_alpha():
    sgd_update = define_sample("sgd_update", "correct_add_alpha")
    model = nn.Linear(5, 4)
    twin = nn.Linear(5, 4)
    twin.load_state_dict(model.state_dict())
    x = torch.randn(3, 5)
    for m in (model, twin):
        m(x).sum().backward()
    sgd_update(model.parameters(), 0.3)
    torch.optim.SGD(twin.parameters(), lr=0.3).step()
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters()))


def test_the_judge_trusts_only_the_numbers_it_can_check():
    """Results from the grading process pass only with the right parameters after every step."""
    import copy

    from autograder import wire
    from autograder.exercises.sgd_update import cases, judge
    from autograder.probes import run_probe
    from autograder.probes.sgd_update import probe
    from autograder.wire import Returned

    name, inputs = next(iter(cases("cpu")))

    def report(sample: str) -> dict:
        return wire.round_trip(run_probe(probe, (define_sample("sgd_update", sample),), wire.round_trip(inputs)))

    right, uphill = report("correct_in_place"), report("wrong_adds_gradient")
    judge(name, inputs, right)
    forged = copy.deepcopy(right)
    forged["steps"][1]["params"] = uphill["steps"][1]["params"]  # clean observations, wrong values
    with pytest.raises(CheckFailed, match="step 2"):
        judge(name, inputs, forged)
    forged = copy.deepcopy(right)
    forged["steps"][0]["params"][0] = Returned("numpy.ndarray")
    with pytest.raises(CheckFailed, match="should be a torch.Tensor, but it is a numpy.ndarray"):
        judge(name, inputs, forged)
    forged = copy.deepcopy(right)
    forged["steps"][0]["grads"][0] = forged["steps"][0]["grads"][0] * 0  # the gradient zeroed after all
    with pytest.raises(CheckFailed, match="changed the gradient of parameter 0"):
        judge(name, inputs, forged)
    for broken in ({"steps": right["steps"][:1]}, {"steps": "all passed"}, {}):
        with pytest.raises(CheckFailed, match="no results for step"):
            judge(name, inputs, broken)
