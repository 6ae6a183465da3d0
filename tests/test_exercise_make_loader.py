"""The make_loader exercise's feedback: what the visible checks tell a student about each mistake.

(Pass and fail of every sample answer, on every device, is in ``test_exercises.py``.)
"""

import re

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from autograder.exercises.make_loader import CONTEXT, hidden_tests
from helper.checks import CheckFailed
from helper.checks.make_loader import check_make_loader
from helper.i18n import set_language

from conftest import solution_source, submission, submissions


def define(source: str):
    """Run an answer cell the way the notebook does (after its imports) and return ``make_loader``."""
    namespace = {}
    exec(compile(CONTEXT, "<notebook context>", "exec"), namespace)
    exec(compile(source, "<answer cell>", "exec"), namespace)
    return namespace["make_loader"]


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


@pytest.mark.parametrize("language", ["en", "zh"])
def test_solution_passes_the_visible_checks_in_the_notebook_language(language, capsys):
    source = solution_source(f"08_minibatches_{language}", "minibatches.ipynb", "make_loader")
    make_loader = define(source)
    set_language(language)
    check_make_loader(make_loader)
    assert ("All checks passed" if language == "en" else "全部检查通过") in capsys.readouterr().out


@pytest.mark.parametrize("name", submissions("make_loader", "correct_"))
def test_correct_samples_pass_the_visible_checks(name, capsys):
    check_make_loader(define(submission("make_loader", name)))
    assert "All checks passed" in capsys.readouterr().out


EXPECTED_VISIBLE_FEEDBACK = {
    "wrong_drop_last": "len(loader) is 2, expected 3: 10 samples in batches of 4 leave a last batch of 2",
    "wrong_batch_size_ignored": "the loader makes batches of one sample. Pass batch_size=batch_size",
    "wrong_never_shuffles": "With shuffle=True the loader handed out the samples in their original order",
    "wrong_always_shuffles": "With shuffle=False the loader changed the order of the samples",
    "wrong_shuffles_separately": "xb and yb are out of step",
    "wrong_list_of_batches": "make_loader returned a list, not a torch.utils.data.DataLoader",
    "wrong_casts_to_float32": "xb has dtype torch.float32, expected torch.float64 (the dtype of X)",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_VISIBLE_FEEDBACK))
def test_visible_checks_say_what_is_wrong(name):
    with pytest.raises(CheckFailed, match=re.escape(EXPECTED_VISIBLE_FEEDBACK[name])):
        check_make_loader(define(submission("make_loader", name)))


def test_every_mistake_is_covered_by_a_feedback_case():
    """A new mistake in the corpus must get a visible-feedback expectation too."""
    assert set(submissions("make_loader", "wrong_")) == set(EXPECTED_VISIBLE_FEEDBACK)


def test_the_checks_leave_the_notebooks_random_numbers_alone():
    make_loader = define(submission("make_loader", "correct_dataloader"))
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    check_make_loader(make_loader)
    hidden_tests(make_loader, devices=["cpu"])
    assert torch.equal(torch.rand(3), expected)


def test_a_fixed_order_made_once_is_caught_even_inside_a_dataloader():
    """Shuffling the tensors once, then a DataLoader without shuffle: the same order every epoch."""
    def make_loader(X, y, batch_size, shuffle):
        if shuffle:
            order = torch.randperm(len(X))
            X, y = X[order], y[order]
        return DataLoader(TensorDataset(X, y), batch_size=batch_size)

    with pytest.raises(CheckFailed, match="epochs 1 and 2 gave the samples in the same order"):
        check_make_loader(make_loader)


def test_a_loader_of_something_else_than_pairs_is_explained():
    def make_loader(X, y, batch_size, shuffle):
        return DataLoader(X, batch_size=batch_size, shuffle=shuffle)

    with pytest.raises(CheckFailed, match=re.escape("expected a pair (xb, yb) of two tensors")):
        check_make_loader(make_loader)


def test_feedback_follows_the_notebook_language():
    set_language("zh")
    with pytest.raises(CheckFailed, match="xb 和 yb 对不上了"):
        check_make_loader(define(submission("make_loader", "wrong_shuffles_separately")))


def test_unanswered_stub_is_told_to_write_code():
    def make_loader(X, y, batch_size, shuffle):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not implemented yet"):
        check_make_loader(make_loader)
    set_language("zh")
    with pytest.raises(CheckFailed, match="还没有实现"):
        check_make_loader(make_loader)
