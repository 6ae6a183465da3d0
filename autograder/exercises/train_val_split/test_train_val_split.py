"""What the generic contract (tests/test_exercises.py) does not cover for ``train_val_split``: the corners the
hidden cases reach, the notebook's random numbers left alone, other right forms, and answers that must be named."""

from __future__ import annotations

import random

import torch

from autograder import testing
from autograder.checking import hidden_tests
from autograder.exercise import exercise

RIGHT = """
def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    order = torch.randperm(len(dataset), generator=generator).tolist()
    return Subset(dataset, order[n_val:]), Subset(dataset, order[:n_val])
"""


def define(source: str):
    (defined,) = testing.define("train_val_split", source)
    return defined


def test_the_hidden_cases_reach_the_corners():
    hidden = [case.inputs for case in exercise("train_val_split").cases("cpu", seed=1) if case.hidden]
    products = [c["n"] * c["val_fraction"] for c in hidden]
    assert {c["kind"] for c in hidden} == {"tensors", "virtual"}
    assert any(c["n"] % 2 and c["val_fraction"] == 0.5 for c in hidden), "an odd size cut in half"
    assert any(round(p) != int(p) for p in products), "a case where rounding to nearest is wrong"
    assert min(c["val_fraction"] for c in hidden) <= 0.01 and max(c["val_fraction"] for c in hidden) >= 0.99
    assert max(c["n"] for c in hidden) > 10**6, "a data set too large to read item by item"
    assert all(c["seeds"][0] == c["seeds"][1] != c["seeds"][2] for c in hidden)


def test_the_hidden_cases_follow_the_seed():
    first, again, other = ([c.inputs for c in exercise("train_val_split").cases("cpu", seed=s)] for s in (1, 1, 2))
    assert first == again and first != other


def test_the_hidden_tests_leave_the_notebooks_random_numbers_alone():
    torch.manual_seed(123)
    random.seed(5)
    expected = (torch.rand(3), random.random())
    torch.manual_seed(123)
    random.seed(5)
    hidden_tests("train_val_split", define(RIGHT))
    after = (torch.rand(3), random.random())
    assert torch.equal(after[0], expected[0]) and after[1] == expected[1]


def test_a_range_or_a_tensor_of_indices_is_fine():
    source = RIGHT.replace("order[n_val:]), Subset(dataset, order[:n_val])",
                           "torch.tensor(order[n_val:])), Subset(dataset, order[:n_val])")
    hidden_tests("train_val_split", define(source))


def test_reading_one_item_is_caught():
    source = RIGHT.replace("    n_val =", "    first = dataset[0]\n    n_val =")
    failure = testing.visible_failure("train_val_split", define(source))
    assert failure.message_id == "train_val_split.touches_items"


def test_numpy_shuffling_is_a_global_state_too():
    source = """
import numpy as np


def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    order = np.random.permutation(len(dataset)).tolist()
    return Subset(dataset, order[n_val:]), Subset(dataset, order[:n_val])
"""
    failure = testing.visible_failure("train_val_split", define(source))
    assert failure.message_id == "train_val_split.global_rng" and "numpy" in str(failure)


def test_a_subset_of_a_copy_is_named():
    source = RIGHT.replace("return Subset(dataset, order[n_val:]), Subset(dataset, order[:n_val])",
                           "data = list(range(len(dataset)))\n    return Subset(data, order[n_val:]), Subset(data, order[:n_val])")
    failure = testing.visible_failure("train_val_split", define(source))
    assert failure.message_id == "train_val_split.other_dataset"
