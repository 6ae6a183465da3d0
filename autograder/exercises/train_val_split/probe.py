"""What ``train_val_split(dataset, val_fraction, generator)`` returned, run three times on fresh data sets.

The data sets count every item read (a split needs indices only: a loop that reads every item costs
a Python call per sample, and on a data set that decodes images from disk, minutes); past a few reads
the data set stops the answer. Reported per run: the items read, which global random states moved
(torch's, Python's ``random``, NumPy's), and what came back: a pair or not, each part's type, whether
it is a ``Subset`` of the very data set given, and its indices as one int64 tensor. Nothing here is
compared: the judge decides.
"""

from __future__ import annotations

import random
import sys
import threading
from contextlib import contextmanager

import numpy as np
import torch
from torch.utils.data import Dataset, Subset, TensorDataset
from torch.utils.data import dataset as torch_dataset

from autograder.probing import call, failure

READ_LIMIT = 20
"""Items a data set hands out before it stops the answer: a right split reads none."""


class _Counter:
    def __init__(self, n: int):
        self.n, self.reads = n, 0

    def read(self) -> None:
        self.reads += 1
        if self.reads > READ_LIMIT:
            raise failure("train_val_split.touches_items", count=f"{READ_LIMIT}+", n=f"{self.n:,}")


class CountingTensorDataset(TensorDataset):
    """A TensorDataset (one feature row and a label per sample) that counts the items read."""

    def __init__(self, n: int):
        super().__init__(torch.arange(n, dtype=torch.float32).unsqueeze(1), torch.arange(n) % 10)
        self.counter = _Counter(n)

    def __getitem__(self, index):
        self.counter.read()
        return super().__getitem__(index)


class VirtualDataset(Dataset):
    """A data set of ``n`` samples made on demand (as a data set of image files would load them), counting reads."""

    def __init__(self, n: int):
        self.n, self.counter = n, _Counter(n)

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index):
        self.counter.read()
        if not 0 <= int(index) < self.n:
            raise IndexError(f"index {index} is out of range for {self.n} samples")
        return torch.tensor([float(index)]), int(index) % 10


def make_dataset(kind: str, n: int):
    return CountingTensorDataset(n) if kind == "tensors" else VirtualDataset(n)


def global_states() -> tuple:
    return torch.get_rng_state(), random.getstate(), np.random.get_state()[1].copy()


def moved(before: tuple, after: tuple) -> list[str]:
    """Which global random states the answer drew from."""
    names = []
    if not torch.equal(before[0], after[0]):
        names.append("torch")
    if before[1] != after[1]:
        names.append("random")
    if not np.array_equal(before[2], after[2]):
        names.append("numpy")
    return names


def indices_of(part) -> torch.Tensor | None:
    """A Subset's indices as one int64 tensor (they may be a list, a range, a tensor), or None if they are not integers."""
    indices = part.indices
    try:
        if isinstance(indices, torch.Tensor):
            tensor = indices.detach().to("cpu").reshape(-1)
        else:
            tensor = torch.as_tensor(indices if isinstance(indices, (list, tuple, np.ndarray)) else list(indices))
        if tensor.dtype.is_floating_point or tensor.dtype.is_complex or tensor.dtype == torch.bool:
            return None
        return tensor.to(torch.int64).reshape(-1)
    except Exception:
        return None


def describe(result, dataset) -> dict:
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return {"pair": False, "type": type(result).__name__}
    parts = []
    for part in result:
        seen = {"type": type(part).__name__, "subset": isinstance(part, Subset)}
        if seen["subset"]:
            seen["same_dataset"] = part.dataset is dataset
            seen["indices"] = indices_of(part)
            seen["indices_type"] = type(part.indices).__name__
        parts.append(seen)
    return {"pair": True, "parts": parts}


@contextmanager
def watch_random_split():
    """Whether torch's ``random_split`` ran inside the block (however it was reached): ``seen[0]``."""
    target, seen = torch_dataset.random_split.__code__, [False]

    def hook(frame, event, arg):
        if event == "call" and frame.f_code is target:
            seen[0] = True

    previous, previous_threads = sys.getprofile(), threading.getprofile()
    sys.setprofile(hook)
    threading.setprofile(hook)
    try:
        yield seen
    finally:
        sys.setprofile(previous)
        threading.setprofile(previous_threads)


def probe(defined: tuple, inputs: dict) -> dict:
    (train_val_split,) = defined
    runs = []
    for seed in inputs["seeds"]:
        dataset = make_dataset(inputs["kind"], inputs["n"])
        generator = torch.Generator().manual_seed(seed)
        before = global_states()
        with watch_random_split() as random_split:
            result = call(train_val_split, dataset, inputs["val_fraction"], generator, name="train_val_split")
        runs.append({"reads": dataset.counter.reads, "global": moved(before, global_states()),
                     "random_split": random_split[0], "result": describe(result, dataset)})
    return {"runs": runs}
