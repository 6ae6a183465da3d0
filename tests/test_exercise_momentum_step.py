"""The momentum_step exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import nbformat
import pytest
import torch

from autograder.exercises.momentum_step import CONTEXT, hidden_tests
from course.paths import REPO
from helper.checks import CheckFailed
from helper.checks.momentum_step import check_momentum_step
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``momentum_step``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["momentum_step"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")
    torch.set_grad_enabled(True)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    momentum_step = define(solution_source(f"07_momentum_{language}", "momentum.ipynb", "momentum_step"))
    set_language(language)
    check_momentum_step(momentum_step)
    out = capsys.readouterr().out
    assert ("All checks passed" if language == "en" else "全部检查通过") in out
    assert "[1.4, -1.9]" in out and "[0.72, -1.62]" in out  # the worked example shows its numbers
    assert ("largest difference from torch.optim.SGD" if language == "en" else "与 torch.optim.SGD 的最大差异") in out


@pytest.mark.parametrize("name", submissions("momentum_step", "correct_"))
def test_correct_samples_pass_the_visible_checks(name, capsys):
    check_momentum_step(define(submission("momentum_step", name)))
    assert "All checks passed" in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_lr_in_velocity": "The velocities hold lr × (what PyTorch keeps)",
    "wrong_rebinds_velocity": "The velocities did not change. `v = momentum * v + p.grad`",
    "wrong_uses_gradient": "The parameters moved by −lr·p.grad, a plain SGD step",
    "wrong_dampening": "that is momentum with dampening",
    "wrong_nesterov": "that is Nesterov momentum",
    "wrong_uses_optimizer": "momentum_step creates a torch.optim optimizer (SGD)",
    "wrong_no_torch_no_grad": "wrap it in `with torch.no_grad():`",
    "wrong_replaces_velocities": "replaced elements of the velocities list",
}
FOOLS_THE_VISIBLE_CHECKS = {"wrong_hard_coded_momentum"}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_momentum_step(define(submission("momentum_step", name)))


def test_every_mistake_is_covered_by_a_feedback_case_or_fools_the_visible_checks_on_purpose():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("momentum_step", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK) | FOOLS_THE_VISIBLE_CHECKS


def test_hard_coded_momentum_fools_the_visible_checks_but_not_the_hidden_tests(capsys):
    momentum_step = define(submission("momentum_step", "wrong_hard_coded_momentum"))
    check_momentum_step(momentum_step)  # every visible check uses momentum 0.9
    assert "All checks passed" in capsys.readouterr().out
    with pytest.raises(CheckFailed, match="momentum = 0.5"):
        hidden_tests(momentum_step, devices=["cpu"])


def test_lr_in_velocity_takes_the_same_steps_only_while_lr_is_constant():
    """The other form moves the parameters like PyTorch's for a constant lr, and apart once lr changes."""
    mine = define(submission("momentum_step", "wrong_lr_in_velocity"))
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
        check_momentum_step(define(source))


def test_zeroing_the_gradients_is_caught():
    source = submission("momentum_step", "correct_in_place").replace(
        "            p -= lr * v", "            p -= lr * v\n            p.grad.zero_()")
    with pytest.raises(CheckFailed, match="changed the gradient of parameter 0"):
        check_momentum_step(define(source))


def test_param_rebinding_is_caught():
    source = submission("momentum_step", "correct_in_place").replace("p -= lr * v", "p = p - lr * v")
    with pytest.raises(CheckFailed, match="The parameters did not change. `p = p - lr \\* v`"):
        check_momentum_step(define(source))


def test_switching_autograd_off_for_good_is_caught():
    source = ("def momentum_step(params, velocities, lr, momentum):\n    torch.set_grad_enabled(False)\n"
              "    for p, v in zip(params, velocities):\n        v.mul_(momentum).add_(p.grad)\n"
              "        p -= lr * v\n")
    with pytest.raises(CheckFailed, match="autograd is switched off for the rest of the notebook"):
        check_momentum_step(define(source))


@pytest.mark.parametrize("name", ["wrong_uses_optimizer", "wrong_no_torch_no_grad", "correct_in_place"])
def test_checks_leave_torch_as_they_found_it(name):
    init = torch.optim.Optimizer.__init__
    try:
        hidden_tests(define(submission("momentum_step", name)), devices=["cpu"])
    except CheckFailed:
        pass
    assert torch.optim.Optimizer.__init__ is init
    assert torch.is_grad_enabled()


def test_feedback_follows_the_notebook_language():
    set_language("zh")
    with pytest.raises(CheckFailed, match="这是 Nesterov 动量"):
        check_momentum_step(define(submission("momentum_step", "wrong_nesterov")))


def released_answer_cell(language: str) -> str:
    notebook = nbformat.read(REPO / "release" / f"07_momentum_{language}" / "momentum.ipynb", as_version=4)
    [cell] = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "momentum_step"]
    return cell.source


@pytest.mark.parametrize("language, feedback", [("en", "momentum_step is not implemented yet"),
                                                ("zh", "momentum_step 还没有实现")])
def test_unanswered_stub_is_told_to_write_code(language, feedback):
    momentum_step = define(released_answer_cell(language))
    set_language(language)
    with pytest.raises(CheckFailed, match=feedback):
        check_momentum_step(momentum_step)


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
        return wire.round_trip(run_probe(probe, (define(submission("momentum_step", sample)),),
                                         wire.round_trip(inputs)))

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
