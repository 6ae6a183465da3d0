"""The momentum_step exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import pytest
import torch

from autograder.exercises.momentum_step import hidden_tests
from helper.checks import CheckFailed
from helper.checks.momentum_step import check_momentum_step

from conftest import submission
from exercise_feedback import ExerciseFeedback, define, define_sample

pytestmark = pytest.mark.usefixtures("english", "autograd_back_on")


class TestMomentumStepFeedback(ExerciseFeedback):
    exercise = "momentum_step"
    check = staticmethod(check_momentum_step)
    solution_also_prints = {  # the worked example shows its numbers, and the comparison with PyTorch
        "en": ["[1.4, -1.9]", "[0.72, -1.62]", "largest difference from torch.optim.SGD"],
        "zh": ["[1.4, -1.9]", "[0.72, -1.62]", "与 torch.optim.SGD 的最大差异"],
    }
    expected_feedback = {
        "wrong_lr_in_velocity": "The velocities hold lr × (what PyTorch keeps)",
        "wrong_rebinds_velocity": "The velocities did not change. `v = momentum * v + p.grad`",
        "wrong_uses_gradient": "The parameters moved by −lr·p.grad, a plain SGD step",
        "wrong_dampening": "that is momentum with dampening",
        "wrong_nesterov": "that is Nesterov momentum",
        "wrong_uses_optimizer": "momentum_step creates a torch.optim optimizer (SGD)",
        "wrong_no_torch_no_grad": "wrap it in `with torch.no_grad():`",
        "wrong_replaces_velocities": "replaced elements of the velocities list",
    }
    zh_feedback = {"wrong_nesterov": "这是 Nesterov 动量"}
    fools_visible_checks = {"wrong_hard_coded_momentum": "momentum = 0.5"}  # every visible check uses momentum 0.9


def test_lr_in_velocity_takes_the_same_steps_only_while_lr_is_constant():
    """The other form moves the parameters like PyTorch's for a constant lr, and apart once lr changes."""
    mine = define_sample("momentum_step", "wrong_lr_in_velocity")
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
    source = submission("momentum_step", "correct_in_place") + "    return params, velocities\n"
    with pytest.raises(CheckFailed, match="should return None"):
        check_momentum_step(define("momentum_step", source))


def test_zeroing_the_gradients_is_caught():
    source = submission("momentum_step", "correct_in_place").replace(
        "            p -= lr * v", "            p -= lr * v\n            p.grad.zero_()")
    with pytest.raises(CheckFailed, match="changed the gradient of parameter 0"):
        check_momentum_step(define("momentum_step", source))


def test_param_rebinding_is_caught():
    source = submission("momentum_step", "correct_in_place").replace("p -= lr * v", "p = p - lr * v")
    with pytest.raises(CheckFailed, match="The parameters did not change. `p = p - lr \\* v`"):
        check_momentum_step(define("momentum_step", source))


def test_switching_autograd_off_for_good_is_caught():
    source = ("def momentum_step(params, velocities, lr, momentum):\n    torch.set_grad_enabled(False)\n"
              "    for p, v in zip(params, velocities):\n        v.mul_(momentum).add_(p.grad)\n"
              "        p -= lr * v\n")
    with pytest.raises(CheckFailed, match="autograd is switched off for the rest of the notebook"):
        check_momentum_step(define("momentum_step", source))


@pytest.mark.parametrize("name", ["wrong_uses_optimizer", "wrong_no_torch_no_grad", "correct_in_place"])
def test_checks_leave_torch_as_they_found_it(name):
    init = torch.optim.Optimizer.__init__
    try:
        hidden_tests(define_sample("momentum_step", name), devices=["cpu"])
    except CheckFailed:
        pass
    assert torch.optim.Optimizer.__init__ is init
    assert torch.is_grad_enabled()


def test_the_judge_trusts_only_the_numbers_it_can_check():
    """Results from the grading process pass only with the right parameters and velocities after every step."""
    import copy

    from autograder import wire
    from autograder.exercises.momentum_step import cases, judge
    from autograder.probes import run_probe
    from autograder.probes.momentum_step import probe
    from autograder.wire import Returned

    name, inputs = next(iter(cases("cpu")))

    def report(sample: str) -> dict:
        return wire.round_trip(run_probe(probe, (define_sample("momentum_step", sample),), wire.round_trip(inputs)))

    right, nesterov = report("correct_in_place"), report("wrong_nesterov")
    judge(name, inputs, right)
    forged = copy.deepcopy(right)
    forged["steps"][3]["params"] = nesterov["steps"][3]["params"]  # clean observations, wrong values
    with pytest.raises(CheckFailed, match="step 4"):
        judge(name, inputs, forged)
    forged = copy.deepcopy(right)
    forged["steps"][0]["velocities"][0] = Returned("numpy.ndarray")
    with pytest.raises(CheckFailed, match="should be a torch.Tensor, but it is a numpy.ndarray"):
        judge(name, inputs, forged)
    forged = copy.deepcopy(right)
    forged["steps"][0]["velocities"].pop()
    with pytest.raises(CheckFailed, match="reported 2 velocity tensors after the step instead of 3"):
        judge(name, inputs, forged)
    for broken in ({"steps": right["steps"][:50]}, {"steps": None}, {}):
        with pytest.raises(CheckFailed, match="no results for step"):
            judge(name, inputs, broken)
