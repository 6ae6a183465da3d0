"""What the generic contract (tests/test_exercises.py) does not show of the sgd_update exercise."""

from __future__ import annotations

import copy
import re
import sys

import pytest
import torch
from torch import nn

from autograder import testing
from autograder import wire
from autograder.checking import hidden_tests
from autograder.exercise import exercise
from autograder.probing import run_probe
from autograder.verdict import CheckFailed
from autograder.wire import Returned


def define(source: str):
    (defined,) = testing.define('sgd_update', source)
    return defined


def sample(stem: str) -> str:
    return testing.sample_source('sgd_update', stem)


def visible(sgd_update) -> str:
    return testing.visible('sgd_update', sgd_update)


def failure_of(sgd_update, run=visible) -> CheckFailed:
    with pytest.raises(CheckFailed) as failure:
        run(sgd_update)
    return failure.value


def hidden(sgd_update):
    hidden_tests("sgd_update", sgd_update, devices=["cpu"])


@pytest.mark.parametrize("stem", ["wrong_uses_optimizer", "wrong_set_grad_enabled", "wrong_hides_from_profiler",
                                  "correct_in_place"])
def test_checks_leave_torch_and_python_as_they_found_them(stem):
    """Autograd is back on and the profiling hooks are the ones from before, whatever the answer did."""
    def previous(frame, event, arg):
        return None

    sys.setprofile(previous)
    try:
        try:
            hidden(define(sample(stem)))
        except CheckFailed:
            pass
        assert sys.getprofile() is previous
    finally:
        sys.setprofile(None)
    assert torch.is_grad_enabled()


def test_the_worked_example_is_printed_once_it_passed():
    assert "[0.95, -2.05, 3.1]" in visible(define(sample("correct_in_place")))


def test_an_optimizer_behind_a_helper_and_a_try_is_still_seen():
    source = ("def _step(params, lr):\n    torch.optim.SGD(params, lr=lr).step()\n\n"
              "def sgd_update(parameters, lr):\n    try:\n        _step(list(parameters), lr)\n"
              "    except Exception:\n        pass\n")
    assert failure_of(define(source), hidden).message_id == "sgd_update.used_optimizer"


def test_an_optimizer_run_in_another_thread_is_still_seen():
    source = ("import threading\n\ndef sgd_update(parameters, lr):\n"
              "    worker = threading.Thread(target=lambda: torch.optim.SGD(list(parameters), lr=lr).step())\n"
              "    worker.start()\n    worker.join()\n")
    assert failure_of(define(source), hidden).message_id == "sgd_update.used_optimizer"


def test_an_optimizer_made_without_its_init_is_still_seen():
    source = ("def sgd_update(parameters, lr):\n    optimizer = torch.optim.SGD.__new__(torch.optim.SGD)\n"
              "    optimizer.defaults = {}\n    optimizer.state = {}\n"
              "    optimizer.param_groups = [dict(params=list(parameters), lr=lr, momentum=0, dampening=0,\n"
              "        weight_decay=0, nesterov=False, maximize=False, foreach=None, differentiable=False, fused=None)]\n"
              "    optimizer._optimizer_step_pre_hooks = {}\n    optimizer._optimizer_step_post_hooks = {}\n"
              "    optimizer.step()\n")
    failure = failure_of(define(source), hidden)
    assert failure.message_id == "sgd_update.used_optim_code", str(failure)


def test_a_fixed_learning_rate_is_caught():
    source = sample("correct_in_place").replace("lr * p.grad", "0.1 * p.grad")
    with pytest.raises(CheckFailed, match="parameter 0 after sgd_update is off"):
        visible(define(source))


def test_returning_the_parameters_is_caught():
    source = sample("correct_in_place") + "    return parameters\n"
    assert failure_of(define(source)).message_id == "sgd_update.returned"


def test_replacing_list_elements_is_caught():
    source = ("def sgd_update(parameters, lr):\n    for i, p in enumerate(parameters):\n"
              "        if p.grad is not None:\n            parameters[i] = (p - lr * p.grad).detach()\n")
    assert failure_of(define(source)).message_id == "sgd_update.list_changed"


def test_setting_grads_to_none_is_caught():
    source = sample("correct_in_place").replace("p -= lr * p.grad", "p -= lr * p.grad\n                p.grad = None")
    with pytest.raises(CheckFailed, match=re.escape("(its .grad became None)")):
        visible(define(source))


def test_changing_a_parameter_without_gradient_is_caught():
    source = ("def sgd_update(parameters, lr):\n    with torch.no_grad():\n        for p in parameters:\n"
              "            p -= lr * (p.grad if p.grad is not None else torch.ones_like(p))\n")
    assert failure_of(define(source)).message_id == "sgd_update.touched_frozen"


def test_the_add_alpha_sample_matches_sgd_bit_for_bit():
    sgd_update = define(sample("correct_add_alpha"))
    model, twin = nn.Linear(5, 4), nn.Linear(5, 4)
    twin.load_state_dict(model.state_dict())
    x = torch.randn(3, 5)
    for m in (model, twin):
        m(x).sum().backward()
    sgd_update(model.parameters(), 0.3)
    torch.optim.SGD(twin.parameters(), lr=0.3).step()
    assert all(torch.equal(a, b) for a, b in zip(model.parameters(), twin.parameters()))


def test_the_judge_trusts_only_the_numbers_it_can_check():
    """Results from the grading process pass only with the right parameters after every step."""
    ex = exercise("sgd_update")
    case = next(c for c in ex.cases("cpu", seed=1) if c.hidden)
    expected = ex.expected(case)
    judge = ex.part("judge").judge

    def report(stem: str) -> dict:
        return wire.round_trip(run_probe(ex.part("probe").probe, (define(sample(stem)),), wire.round_trip(case.inputs)))

    right, uphill = report("correct_in_place"), report("wrong_adds_gradient")
    judge(case, right, expected)
    forged = copy.deepcopy(right)
    forged["steps"][1]["params"] = uphill["steps"][1]["params"]  # clean observations, wrong values
    with pytest.raises(CheckFailed, match="step 2"):
        judge(case, forged, expected)
    forged = copy.deepcopy(right)
    forged["steps"][0]["params"][0] = Returned("numpy.ndarray")
    with pytest.raises(CheckFailed, match="should be a torch.Tensor, but it is a numpy.ndarray"):
        judge(case, forged, expected)
    forged = copy.deepcopy(right)
    forged["steps"][0]["grads"][0] = forged["steps"][0]["grads"][0] * 0  # the gradient zeroed after all
    with pytest.raises(CheckFailed, match="changed the gradient of parameter 0"):
        judge(case, forged, expected)
    forged = copy.deepcopy(right)
    forged["steps"][0]["watch_lost"] = None  # a report that does not say the watch held
    with pytest.raises(CheckFailed, match="profiling hook"):
        judge(case, forged, expected)
    for broken in ({"steps": right["steps"][:1]}, {"steps": "all passed"}, {}):
        with pytest.raises(CheckFailed, match="no results for step"):
            judge(case, broken, expected)
