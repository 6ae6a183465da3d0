"""The make_loader exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import re

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from autograder.exercises.make_loader import hidden_tests
from helper.checks import CheckFailed
from helper.checks.make_loader import check_make_loader

from exercise_feedback import ExerciseFeedback, define_sample

pytestmark = pytest.mark.usefixtures("english")


class TestMakeLoaderFeedback(ExerciseFeedback):
    exercise = "make_loader"
    check = staticmethod(check_make_loader)
    expected_feedback = {
        "wrong_drop_last": "len(loader) is 2, expected 3: 10 samples in batches of 4 leave a last batch of 2",
        "wrong_batch_size_ignored": "the loader makes batches of one sample. Pass batch_size=batch_size",
        "wrong_never_shuffles": "With shuffle=True the loader handed out the samples in their original order",
        "wrong_always_shuffles": "With shuffle=False the loader changed the order of the samples",
        "wrong_shuffles_separately": "xb and yb are out of step",
        "wrong_list_of_batches": "make_loader returned a list, not a torch.utils.data.DataLoader",
        "wrong_casts_to_float32": "xb has dtype torch.float32, expected torch.float64 (the dtype of X)",
    }
    zh_feedback = {"wrong_shuffles_separately": "xb 和 yb 对不上了"}


def test_the_checks_leave_the_notebooks_random_numbers_alone():
    make_loader = define_sample("make_loader", "correct_dataloader")
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
