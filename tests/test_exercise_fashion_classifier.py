"""The fashion_classifier exercise's feedback, and the honesty of its graded run.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``; the tests here that train on all of FashionMNIST take
several seconds each and are marked ``slow``.)
"""

import copy
import re
import time

import pytest
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

from autograder.exercises import fashion_classifier as exercise
from autograder.exercises.fashion_classifier import hidden_tests, normalised_data
from course.paths import LESSONS
from helper.checks import CheckFailed
from helper.checks.fashion_classifier import (BUDGET_S, CPU_LIMIT_S, FIT_BATCH_SIZE, FIT_EPOCHS, LIMIT_S,
                                              PROBE_CPU_S, TARGET, GuardedLoader, check_fashion_classifier, run_fit)
from helper.i18n import set_language

from exercise_feedback import ExerciseFeedback, define, define_sample, solution_cell

pytestmark = pytest.mark.usefixtures("english")


def solution(language: str = "en"):
    """The instructor's ``build_model, fit``."""
    return define("fashion_classifier", solution_cell("fashion_classifier", language))


class TestFashionClassifierFeedback(ExerciseFeedback):
    exercise = "fashion_classifier"
    check = staticmethod(check_fashion_classifier)
    expected_feedback = {
        "wrong_softmax_tiny_lr": "model(x) returns probabilities (every row is between 0 and 1 and sums to 1)",
        "wrong_no_step": "The parameters did not change during fit (0 optimizer steps)",
        "wrong_no_zero_grad": "Gradients pile up: at 31 of 32 backward passes",
        "wrong_global_model": "build_model() returned the same model object twice",
        "wrong_ignores_epochs": "fit kept going over train_loader after 2 full passes, but epochs=2",
        "wrong_too_slow": "Training was stopped early: at 3",
    }
    zh_feedback = {"wrong_no_zero_grad": "梯度在不断累加"}
    fools_visible_checks = {"wrong_linear_only": "test accuracy, below the target of 85%"}

    @pytest.mark.slow
    def test_what_fools_the_visible_checks_does_not_fool_the_hidden_tests(self, fooling_sample, capsys):
        """A linear network learns (the visible checks pass), but only the graded run shows its ceiling.

        Slow here: the graded run trains on all of FashionMNIST.
        """
        exercise.last_run.clear()
        super().test_what_fools_the_visible_checks_does_not_fool_the_hidden_tests(fooling_sample, capsys)
        assert exercise.last_run["cpu"]["accuracy"] < TARGET - 0.01


def test_the_notebook_states_the_rules_the_grader_applies():
    source = (LESSONS / "09_fashion_mnist.py").read_text(encoding="utf-8")
    assert f"FIT_EPOCHS, FIT_BUDGET_S = {FIT_EPOCHS}, {BUDGET_S}" in source
    assert f"BATCH_SIZE = {FIT_BATCH_SIZE}" in source
    assert f"`FIT_BUDGET_S` = {BUDGET_S} seconds" in source and f"{LIMIT_S} s" in source
    assert f"at least **{TARGET:.0%}**" in source
    assert f"stops it at {CPU_LIMIT_S} s: the {LIMIT_S} s plus {PROBE_CPU_S} s" in source
    assert f"到 {CPU_LIMIT_S} 秒即终止：{LIMIT_S} 秒用于训练，另外 {PROBE_CPU_S} 秒" in source


def test_the_slow_sample_costs_seconds_not_minutes():
    build_model, fit = define_sample("fashion_classifier", "wrong_too_slow")
    start = time.perf_counter()
    with pytest.raises(CheckFailed, match="would take about"):
        hidden_tests(build_model, fit, devices=["cpu"])
    assert time.perf_counter() - start < 20


@pytest.mark.slow
def test_the_solution_passes_the_graded_run_with_margin():
    hidden_tests(*solution(), devices=["cpu"])
    run = exercise.last_run["cpu"]
    assert run["untrained"] < 0.2
    assert run["accuracy"] >= TARGET + 0.01, run
    assert run["seconds"] <= BUDGET_S, run


def _class_means_classifier() -> nn.Module:
    """A model that knows FashionMNIST without training: nearest class mean, about 70% accurate."""
    images, labels = normalised_data("cpu")[:2]
    flat = images.flatten(1)
    means = torch.stack([flat[labels == c].mean(dim=0) for c in range(10)])
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    with torch.no_grad():
        model[1].weight.copy_(means)
        model[1].bias.copy_(-0.5 * (means ** 2).sum(dim=1))
    return model


def test_weights_trained_before_fit_are_refused():
    known = _class_means_classifier()
    with pytest.raises(CheckFailed, match="already scores"):
        hidden_tests(lambda: copy.deepcopy(known), lambda model, loader, epochs: None, devices=["cpu"])


def test_weights_copied_from_another_model_during_fit_are_refused():
    namespace = {"known": _class_means_classifier()}
    build_model, fit = define("fashion_classifier", '''
def build_model():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 10))


def fit(model, train_loader, epochs):
    for _ in range(epochs):
        for xb, yb in train_loader:
            pass  # goes through the motions...
    model.load_state_dict(known.state_dict())  # ...and takes the weights of a model it did not train
''', namespace)
    with pytest.raises(CheckFailed, match="exactly those of known"):
        hidden_tests(build_model, fit, devices=["cpu"])


def test_a_model_that_ignores_its_input_is_refused():
    build_model, fit = define("fashion_classifier", '''
class Constant(nn.Module):
    def __init__(self):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(10))

    def forward(self, x):
        return self.bias.expand(len(x), 10) + 0 * x.flatten(1)[:, :1]


def build_model():
    return Constant()


def fit(model, train_loader, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(epochs):
        for xb, yb in train_loader:
            optimizer.zero_grad()
            F.cross_entropy(model(xb), yb).backward()
            optimizer.step()
''')
    with pytest.raises(CheckFailed, match="predicts class . for all 10,000 test images"):
        hidden_tests(build_model, fit, devices=["cpu"])


def _small_loader(n=256):
    images = torch.randn(n, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    return DataLoader(TensorDataset(images, torch.arange(n) % 10), batch_size=32)


def _training_fit(model, loader, epochs, before=None, swallow=False):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    if before:
        before(loader)
    try:
        for _ in range(epochs):
            for xb, yb in loader:
                optimizer.zero_grad()
                F.cross_entropy(model(xb), yb).backward()
                optimizer.step()
    except Exception:  # noqa: BLE001  (a student's fit that hides every error)
        if not swallow:
            raise



def test_peeking_at_one_batch_is_not_an_extra_epoch():
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    run_fit(lambda m, loader, e: _training_fit(m, loader, e, before=lambda loader: next(iter(loader))),
            model, _small_loader(), 2, limit=None)


def test_a_fit_that_swallows_the_stop_is_still_stopped():
    def slow_fit(model, loader, epochs):
        def sleepy(loader):
            for _ in loader:
                time.sleep(0.05)
        try:
            for _ in range(epochs):
                sleepy(loader)
        except Exception:  # noqa: BLE001
            pass

    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    with pytest.raises(CheckFailed, match="Training was stopped after"):
        run_fit(slow_fit, model, _small_loader(), 2, limit=0.2)


def test_an_epoch_cut_short_is_reported():
    def half_fit(model, loader, epochs):
        for _ in range(epochs):
            for index, (xb, yb) in enumerate(loader):
                if index == 3:
                    break

    with pytest.raises(CheckFailed, match=re.escape("fit went over train_loader 0 time(s) in full, expected 2")):
        run_fit(half_fit, nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), _small_loader(), 2, limit=None)


def test_the_guarded_loader_looks_like_the_loader():
    loader = _small_loader()
    guarded = GuardedLoader(loader, epochs=1, limit=None)
    assert len(guarded) == len(loader) == 8
    assert guarded.dataset is loader.dataset and guarded.batch_size == 32


def test_a_model_with_the_wrong_output_shape_is_explained():
    def build_model():
        return nn.Sequential(nn.Linear(28, 10))  # forgets to flatten: (N, 1, 28, 10)

    with pytest.raises(CheckFailed, match=re.escape("has shape (5, 1, 28, 10), expected (5, 10)")):
        check_fashion_classifier(build_model, lambda model, loader, epochs: None)


def test_unanswered_stubs_are_told_to_write_code():
    def build_model():
        raise NotImplementedError()

    def fit(model, train_loader, epochs):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="build_model is not implemented yet"):
        check_fashion_classifier(build_model, fit)
    build_model = solution()[0]
    with pytest.raises(CheckFailed, match="fit is not implemented yet"):
        check_fashion_classifier(build_model, fit)
    set_language("zh")
    with pytest.raises(CheckFailed, match="还没有实现"):
        check_fashion_classifier(build_model, fit)
