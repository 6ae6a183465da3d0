"""Judge ``train_val_split``: two Subsets of the data set, of the stated sizes, that split it, as the generator says.

In order: torch's ``random_split`` not used (the exercise asks for the permutation by hand); no item of the data set read (a split needs indices only); no global random state drawn
from (the generator given is the only source of randomness); a pair of ``Subset`` objects over the
very data set given; the validation set of ``int(n * val_fraction)`` samples and the training set the
rest (rounded otherwise, or the two swapped, is named); indices in range, none twice, none in both
parts; the same seed gives the same split, and another seed another one. Sizes come from the
reference; which samples land where is never compared with one particular permutation.
"""

from __future__ import annotations

import math

import torch

from autograder.exercise import Case
from autograder.verdict import fail

SPLITS_FOR_CHANCE = 10**6
"""Below this many possible validation sets, two seeds may draw the same one, or a block, by luck: not judged."""

NAMES = {"train": "train_subset", "val": "val_subset"}


def judge(case: Case, observed: dict, expected: dict) -> None:
    runs = observed.get("runs")
    if type(runs) is not list or len(runs) != 3 or not all(type(r) is dict for r in runs):
        raise ValueError("the report of the runs is malformed")
    n, fraction = case.inputs["n"], case.inputs["val_fraction"]
    train, val = expect_split(runs[0], n, fraction, expected)
    by_chance = log_splits(n, expected["n_val"]) < math.log(SPLITS_FOR_CHANCE)
    if not by_chance and blocked(val, n):
        fail("train_val_split.not_shuffled", n_val=expected["n_val"])
    again = expect_split(runs[1], n, fraction, expected)
    if not all(torch.equal(a, b) for a, b in zip((train, val), again)):
        fail("train_val_split.not_deterministic")
    _, other_val = expect_split(runs[2], n, fraction, expected)
    if not by_chance and torch.equal(val, other_val):
        fail("train_val_split.ignores_generator")


def expect_split(run: dict, n: int, fraction: float, expected: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """One run's (train, val) as membership masks over the data set, after every check of a single split."""
    if run.get("random_split") is not False:
        fail("forbidden_call", name="train_val_split", forbidden="torch.utils.data.random_split")
    reads = run.get("reads")
    if type(reads) is not int:
        raise ValueError("the report of the items read is malformed")
    if reads:
        fail("train_val_split.touches_items", count=reads, n=f"{n:,}")
    moved = run.get("global")
    if type(moved) is not list or not all(type(m) is str for m in moved):
        raise ValueError("the report of the random states is malformed")
    if moved:
        fail("train_val_split.global_rng", which=", ".join(moved))
    result = run.get("result")
    if type(result) is not dict:
        raise ValueError("the report of the result is malformed")
    if result.get("pair") is not True:
        fail("train_val_split.not_pair", kind=str(result.get("type")))
    parts = result.get("parts")
    if type(parts) is not list or len(parts) != 2 or not all(type(p) is dict for p in parts):
        raise ValueError("the report of the parts is malformed")
    indices = {}
    for key, part in zip(("train", "val"), parts):
        what = NAMES[key]
        if part.get("subset") is not True:
            fail("train_val_split.not_subset", what=what, kind=str(part.get("type")))
        if part.get("same_dataset") is not True:
            fail("train_val_split.other_dataset", what=what)
        if type(part.get("indices")) is not torch.Tensor:
            fail("train_val_split.bad_indices", what=what, kind=str(part.get("indices_type")))
        indices[key] = part["indices"]
    expect_sizes(len(indices["train"]), len(indices["val"]), n, fraction, expected)
    counts = {}
    for key, tensor in indices.items():
        outside = (tensor < 0) | (tensor >= n)
        if outside.any():
            fail("train_val_split.out_of_range", what=NAMES[key], index=int(tensor[outside][0]), n=n)
        counts[key] = torch.bincount(tensor, minlength=n)
        if len(tensor) and counts[key].max() > 1:
            fail("train_val_split.repeated", what=NAMES[key], index=int(counts[key].argmax()))
    both = (counts["train"] > 0) & (counts["val"] > 0)
    if both.any():
        fail("train_val_split.overlap", count=int(both.sum()), index=int(both.nonzero()[0]))
    return counts["train"] > 0, counts["val"] > 0


def expect_sizes(n_train: int, n_val: int, n: int, fraction: float, expected: dict) -> None:
    want_train, want_val = expected["n_train"], expected["n_val"]
    fields = dict(n=n, fraction=fraction, actual=n_val, expected=want_val, product=f"{n * fraction:.6g}")
    if (n_train, n_val) == (want_val, want_train) and want_train != want_val:
        fail("train_val_split.swapped", train=n_train, val=n_val, expected_train=want_train, expected_val=want_val)
    if n_val != want_val:
        if n_val in expected["rounded"]:
            fail("train_val_split.val_rounded", **fields)
        fail("train_val_split.val_size", **fields)
    if n_train != want_train:
        fail("train_val_split.train_size", actual=n_train, expected=want_train, n=n, n_val=want_val)


def log_splits(n: int, k: int) -> float:
    """log C(n, k), the number of possible validation sets (math.comb would build a number of 100,000 digits)."""
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def blocked(val: torch.Tensor, n: int) -> bool:
    """The validation set (a mask) is the first or the last block of the data set: nothing was shuffled."""
    k = int(val.sum())
    return bool(k) and bool(val[:k].all() or val[n - k:].all())
