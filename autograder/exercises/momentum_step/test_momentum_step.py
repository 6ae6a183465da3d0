"""What the generic contract (tests/test_exercises.py) does not cover for ``momentum_step``: variations of the
lesson's answer that must be named, the judge's distrust of what it is sent, and a check that leaves torch
(and Python's profiler) as it found them."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest
import torch

from autograder import testing
from autograder import wire
from autograder.checking import hidden_tests, probe_case, public_expected
from autograder.exercise import exercise
from autograder.verdict import CheckFailed
from autograder.wire import Returned
from helper.i18n import message

SAMPLES = Path(__file__).parent / "samples"


def define(source: str):
    (defined,) = testing.define('momentum_step', source)
    return defined


def sample(stem: str):
    return define((SAMPLES / f"{stem}.py").read_text(encoding="utf-8"))


def changed(old: str, new: str) -> str:
    source = (SAMPLES / "correct_in_place.py").read_text(encoding="utf-8")
    assert old in source
    return source.replace(old, new)


def visible_failure(source: str) -> CheckFailed:
    return testing.visible_failure('momentum_step', define(source))


def test_lr_in_velocity_takes_the_same_steps_only_while_lr_is_constant():
    """The other form moves the parameters like PyTorch's for a constant lr, and apart once lr changes."""
    mine = sample("wrong_lr_in_velocity")
    paths = []
    for step_fn in (mine, None):
        p = torch.tensor([-9.0, 1.5], requires_grad=True)
        v = torch.zeros(2)
        optimizer = torch.optim.SGD([p], lr=0.3, momentum=0.9) if step_fn is None else None
        path = []
        for step in range(20):
            lr = 0.3 if step < 10 else 0.1
            p.grad = None
            (p[0] ** 2 / 20 + p[1] ** 2).backward()
            if step_fn is None:
                optimizer.param_groups[0]["lr"] = lr
                optimizer.step()
            else:
                step_fn([p], [v], lr, 0.9)
            path.append(p.detach().clone())
        paths.append(torch.stack(path))
    assert torch.allclose(paths[0][:10], paths[1][:10], atol=1e-5)
    assert not torch.allclose(paths[0][10:], paths[1][10:], atol=1e-3)


def test_returning_something_is_caught():
    source = (SAMPLES / "correct_in_place.py").read_text(encoding="utf-8") + "    return params, velocities\n"
    assert visible_failure(source).message_id == "momentum_step.returned"


def test_zeroing_the_gradients_is_caught():
    failure = visible_failure(changed("            p -= lr * v", "            p -= lr * v\n            p.grad.zero_()"))
    assert failure.message_id == "momentum_step.grad_changed" and "gradient of parameter 0" in str(failure)


def test_param_rebinding_is_caught():
    assert visible_failure(changed("p -= lr * v", "p = p - lr * v")).message_id == "momentum_step.param_unchanged"


def test_switching_autograd_off_for_good_is_caught():
    source = ("def momentum_step(params, velocities, lr, momentum):\n    torch.set_grad_enabled(False)\n"
              "    for p, v in zip(params, velocities):\n        v.mul_(momentum).add_(p.grad)\n"
              "        p -= lr * v\n")
    assert visible_failure(source).message_id == "momentum_step.grad_enabled"


def test_an_optimizer_of_ones_own_is_an_optimizer_too():
    source = ("class Heavy(torch.optim.Optimizer):\n    def __init__(self, params):\n"
              "        super().__init__(params, {})\n\n"
              "def momentum_step(params, velocities, lr, momentum):\n    Heavy(params)\n"
              "    with torch.no_grad():\n        for p, v in zip(params, velocities):\n"
              "            v.mul_(momentum).add_(p.grad)\n            p -= lr * v\n")
    failure = visible_failure(source)
    assert failure.message_id == "momentum_step.used_optimizer" and "Heavy" in str(failure)  # named by its class


def test_an_optimizer_in_a_thread_is_seen():
    source = ("import threading\n\ndef momentum_step(params, velocities, lr, momentum):\n"
              "    def work():\n        optimizer = torch.optim.SGD(params, lr=lr, momentum=momentum)\n"
              "        for p, v in zip(params, velocities):\n            optimizer.state[p]['momentum_buffer'] = v\n"
              "        optimizer.step()\n"
              "    thread = threading.Thread(target=work)\n    thread.start()\n    thread.join()\n")
    assert visible_failure(source).message_id == "momentum_step.used_optimizer"


@pytest.mark.parametrize("name", ["wrong_uses_optimizer", "wrong_no_torch_no_grad", "wrong_unhooks_the_watch",
                                  "correct_in_place"])
def test_checks_leave_torch_and_the_profiler_as_they_found_them(name):
    init, profile = torch.optim.Optimizer.__init__, sys.getprofile()
    try:
        hidden_tests("momentum_step", sample(name), devices=["cpu"])
    except CheckFailed:
        pass
    assert torch.optim.Optimizer.__init__ is init
    assert sys.getprofile() is profile
    assert torch.is_grad_enabled()


def test_the_worked_example_in_the_title_is_the_stored_one():
    right = public_expected(exercise("momentum_step"))["example"]["right"]
    title = message("momentum_step.example")
    velocity, param = right["velocities"][0][0], right["params"][0][0]
    assert torch.allclose(velocity, torch.tensor([1.4, -1.9])) and "[1.4, −1.9]" in title
    assert torch.allclose(param, torch.tensor([0.72, -1.62])) and "[0.72, −1.62]" in title


def test_the_judge_trusts_only_the_numbers_it_can_check():
    """Reported steps pass only with the right parameters and velocities after every step."""
    ex = exercise("momentum_step")
    case = next(c for c in ex.cases("cpu", seed=1) if c.hidden)
    expected = ex.expected(case)
    judge = ex.part("judge").judge

    right = probe_case(ex, (sample("correct_in_place"),), case)
    nesterov = probe_case(ex, (sample("wrong_nesterov"),), case)
    judge(case, right, expected)
    forged = copy.deepcopy(right)
    forged["steps"][3]["params"] = nesterov["steps"][3]["params"]  # clean observations, wrong values
    with pytest.raises(CheckFailed, match="step 4"):
        judge(case, forged, expected)
    forged = copy.deepcopy(right)
    forged["steps"][0]["velocities"][0] = Returned("numpy.ndarray")
    with pytest.raises(CheckFailed, match="should be a torch.Tensor, but it is a numpy.ndarray"):
        judge(case, forged, expected)
    forged = copy.deepcopy(right)
    forged["steps"][0]["velocities"].pop()
    n = len(case.inputs["velocities"])
    with pytest.raises(CheckFailed, match=f"reported {n - 1} velocities tensors after the step instead of {n}"):
        judge(case, forged, expected)
    forged = copy.deepcopy(right)
    forged["steps"][0]["optim_code"] = []
    forged["steps"][0]["unhooked"] = None  # a report that says nothing about the watch
    with pytest.raises(CheckFailed) as failure:
        judge(case, forged, expected)
    assert failure.value.message_id == "momentum_step.unhooked"
    for broken in ({"steps": right["steps"][:50]}, {"steps": None}, {}):
        with pytest.raises(CheckFailed, match="no results for step"):
            judge(case, wire.round_trip(broken), expected)
