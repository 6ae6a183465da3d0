"""Judge ``make_loader``: a DataLoader whose epochs a training loop can rely on.

It is a ``DataLoader`` (not a list of batches made once); ``len(loader)`` counts the last partial
batch; every batch is an ``(xb, yb)`` pair of the expected size, with X's and y's dtype and device;
each ``xb[i]`` is a row of X and ``yb[i]`` its own label; every sample comes exactly once per epoch;
the stored order is kept without shuffling, and with shuffling each epoch has a new order. The sizes,
the length and the stored order come from the reference; the judge only compares.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.judging import type_name
from autograder.verdict import fail

SHUFFLE_MIN_SAMPLES = 8
"""Below this many samples a shuffled epoch may keep the stored order by luck (8! orders: 1 in 40,320)."""


def judge(case: Case, observed: dict, expected: dict) -> None:
    X, y, batch_size, shuffle = (case.inputs[k] for k in ("X", "y", "batch_size", "shuffle"))
    if observed.get("is_dataloader") is not True:
        kind = observed.get("type")
        fail("make_loader.not_loader", kind=kind if type(kind) is str else "object")
    expect_length(observed.get("len"), expected, len(X), batch_size)
    epochs = observed.get("epochs")
    if type(epochs) is not list or len(epochs) != case.inputs["epochs"]:
        raise ValueError("the report of the epochs is malformed")
    rows = row_index(X)
    orders = [epoch_order(batches, X, y, expected["sizes"], batch_size, rows) for batches in epochs]
    expect_orders(orders, expected["order"], shuffle)


def expect_length(actual, expected: dict, n: int, batch_size: int) -> None:
    """``len(loader)`` counts the last partial batch; a known wrong length is explained."""
    if type(actual) is int and actual == expected["len"]:
        return
    fields = dict(actual=actual, expected=expected["len"], n=n, b=batch_size)
    mistakes = expected["mistakes"]
    if type(actual) is int and actual == mistakes.get("len_drop_last"):
        fail("make_loader.len_drop_last", rest=expected["sizes"][-1], **fields)
    if type(actual) is int and actual == mistakes.get("len_batch_size"):
        fail("make_loader.len_batch_size", **fields)
    fail("make_loader.len", **fields)


def expect_batch(batch, X: torch.Tensor, y: torch.Tensor, size: int) -> tuple:
    """One batch: a pair (xb, yb) of ``size`` samples, with X's and y's dtype, sample shape and device."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2 or not all(type(t) is torch.Tensor for t in batch):
        kind = type_name(batch) if not isinstance(batch, (tuple, list)) \
            else f"{type_name(batch)} of {[type_name(t) for t in batch]}"
        fail("make_loader.not_pair", kind=kind)
    xb, yb = batch
    for name, tensor, source in (("xb", xb, X), ("yb", yb, y)):
        if tensor.dtype != source.dtype:
            fail("make_loader.dtype", what=name, actual=tensor.dtype, expected=source.dtype,
                 source="X" if name == "xb" else "y")
        shape = (size, *source.shape[1:])
        if tuple(tensor.shape) != shape:
            fail("make_loader.shape", what=name, actual=tuple(tensor.shape), expected=shape, size=size,
                 sample=tuple(source.shape[1:]))
        if tensor.device != source.device:
            fail("make_loader.device", what=name, actual=tensor.device, expected=source.device)
    return xb, yb


def epoch_order(batches, X: torch.Tensor, y: torch.Tensor, sizes: list[int], batch_size: int,
                rows: dict[bytes, int]) -> list[int]:
    """The sample order of one epoch's ``batches``, failing on any batch a training loop would trip on."""
    if type(batches) is not list:
        raise ValueError("the report of an epoch is malformed")
    actual = [_size(b) for b in batches]
    if actual != sizes:
        if None in actual:
            expect_batch(batches[actual.index(None)], X, y, batch_size)
        fail("make_loader.batch_sizes", actual=_short(actual), expected=_short(sizes), n=len(X), b=batch_size)
    order = []
    for number, (batch, size) in enumerate(zip(batches, sizes), start=1):
        xb, yb = expect_batch(batch, X, y, size)
        xb_rows = xb.detach().cpu().reshape(size, -1).contiguous()
        for index in range(size):
            sample = rows.get(xb_rows[index].numpy().tobytes())
            if sample is None:
                fail("make_loader.unknown_row", index=index, batch=number)
            if not torch.equal(yb[index], y[sample]):
                fail("make_loader.misaligned", batch=number, index=index, sample=sample,
                     expected=_value(y[sample]), actual=_value(yb[index]))
            order.append(sample)
    counts = torch.bincount(torch.tensor(order, dtype=torch.long), minlength=len(X))
    wrong = (counts != 1).nonzero()
    if len(wrong):
        sample = int(wrong[0])
        fail("make_loader.not_once", sample=sample, count=int(counts[sample]))
    return order


def expect_orders(orders: list[list[int]], stored: list[int], shuffle: bool) -> None:
    """Without shuffling every epoch keeps the stored order; with it, a new order every epoch."""
    if not shuffle:
        for order in orders:
            if order != stored:
                fail("make_loader.shuffled", first=", ".join(map(str, order[:5])))
        return
    if len(orders[0]) >= SHUFFLE_MIN_SAMPLES:
        if orders[0] == stored:
            fail("make_loader.not_shuffled")
        if len(orders) > 1 and orders[0] == orders[1]:
            fail("make_loader.same_order")


def row_index(X: torch.Tensor) -> dict[bytes, int]:
    """Each sample of X, as bytes, mapped to its position (the cases' data have distinct rows)."""
    rows = X.detach().cpu().reshape(len(X), -1).contiguous()
    return {row.numpy().tobytes(): i for i, row in enumerate(rows)}


def _size(batch) -> int | None:
    """The number of samples in a batch that looks like (xb, ...), else None."""
    if isinstance(batch, (tuple, list)) and batch and type(batch[0]) is torch.Tensor and batch[0].dim() > 0:
        return len(batch[0])
    return None


def _value(t: torch.Tensor):
    return t.item() if t.numel() == 1 else t.tolist()


def _short(values: list) -> str:
    if len(values) <= 8:
        return str(values)
    return f"[{', '.join(map(str, values[:3]))}, ..., {', '.join(map(str, values[-2:]))}] ({len(values)} batches)"
