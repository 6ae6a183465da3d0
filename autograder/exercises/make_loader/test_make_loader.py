"""What the generic contract (tests/test_exercises.py) does not cover for make_loader.

The hidden tests, like the visible check, leave the notebook's random numbers alone (a DataLoader
draws its shuffling seed from torch's global generator); and the hidden cases reach the corners the
exercise names: batch size 1, a batch larger than the data set, remainders and exact multiples,
float32, float64 and uint8 features, class labels and (N, 1) targets, with and without shuffling.
"""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, TensorDataset

from autograder.checking import hidden_tests
from autograder.exercise import exercise


def make_loader(X, y, batch_size, shuffle):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)


def test_the_hidden_tests_leave_the_notebooks_random_numbers_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    hidden_tests("make_loader", make_loader, devices=["cpu"])
    assert torch.equal(torch.rand(3), expected)


def test_the_hidden_cases_reach_the_corners():
    hidden = [case.inputs for case in exercise("make_loader").cases("cpu", seed=1) if case.hidden]
    sizes = [(len(c["X"]), c["batch_size"]) for c in hidden]
    assert any(b == 1 for _, b in sizes) and any(b > n for n, b in sizes) and any(b == n for n, b in sizes)
    assert any(n % b for n, b in sizes) and any(b < n and n % b == 0 for n, b in sizes)
    assert {c["X"].dtype for c in hidden} == {torch.float32, torch.float64, torch.uint8}
    assert {c["y"].dim() for c in hidden} == {1, 2}
    assert {c["shuffle"] for c in hidden} == {False, True}
    for c in hidden:  # every row names its sample
        rows = c["X"].reshape(len(c["X"]), -1)
        assert len(torch.unique(rows, dim=0)) == len(rows)


def test_the_hidden_cases_follow_the_seed():
    first, again, other = (exercise("make_loader").cases("cpu", seed=s) for s in (1, 1, 2))
    assert [c.name for c in first] == [c.name for c in again]
    assert all(torch.equal(a.inputs["X"], b.inputs["X"]) for a, b in zip(first, again))
    assert any(a.name != b.name or not torch.equal(a.inputs["X"], b.inputs["X"]) for a, b in zip(first, other))
