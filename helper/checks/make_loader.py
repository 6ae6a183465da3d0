"""Visible checks for the ``make_loader(X, y, batch_size, shuffle)`` exercise (lesson 8).

:func:`inspect_loader` takes the student's loader through whole epochs and checks what a training
loop relies on: it is a ``DataLoader`` (not a list of batches made once), ``len(loader)`` counts the
last partial batch, every batch is an ``(xb, yb)`` pair of the right size, dtype and device, each
``xb[i]`` still belongs with ``yb[i]``, every sample comes exactly once per epoch, the order is kept
when ``shuffle=False`` and changes (from epoch to epoch) when ``shuffle=True``. The hidden tests
run the same checks on random sizes, dtypes and devices, in two halves: their probe collects the
batches with :func:`take_epoch`, their judge checks them with :func:`check_epoch` and the rest.
"""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader

from ..i18n import add_messages, message
from .core import CheckFailed, call, passed, type_name

add_messages({
    "make_loader_not_loader": {
        "en": "make_loader returned a {kind}, not a torch.utils.data.DataLoader. Return the DataLoader itself: "
              "it makes fresh batches (and, with shuffle=True, a fresh order) every time a loop goes over it, "
              "while a list of batches made once repeats the same batches in the same order every epoch.",
        "zh": "make_loader 返回的是 {kind}，而不是 torch.utils.data.DataLoader。请直接返回 DataLoader：每次循环"
              "遍历它时，它都会重新生成批次（shuffle=True 时还会重新打乱顺序）；而事先做好的批次列表，"
              "每个轮次都只会按同样的顺序给出同样的批次。",
    },
    "make_loader_len_drop_last": {
        "en": "len(loader) is {actual}, expected {expected}: {n} samples in batches of {b} leave a last batch of "
              "{rest}, and your loader drops it. Keep it: leave drop_last at its default, False.",
        "zh": "len(loader) 是 {actual}，应为 {expected}：{n} 个样本按每批 {b} 个分，最后会剩下一个 {rest} 个样本的批次，"
              "而你的 loader 把它丢掉了。请保留它：drop_last 保持默认值 False 即可。",
    },
    "make_loader_len_batch_size": {
        "en": "len(loader) is {actual}, expected {expected} for {n} samples in batches of {b}: the loader makes "
              "batches of one sample. Pass batch_size=batch_size to the DataLoader (its default is 1).",
        "zh": "{n} 个样本、每批 {b} 个，len(loader) 应为 {expected}，实际是 {actual}：这个 loader 每批只有一个样本。"
              "请把 batch_size=batch_size 传给 DataLoader（它的默认值是 1）。",
    },
    "make_loader_len": {
        "en": "len(loader) is {actual}, expected {expected} (ceil({n} / {b}) batches).",
        "zh": "len(loader) 是 {actual}，应为 {expected}（ceil({n} / {b}) 个批次）。",
    },
    "make_loader_not_pair": {
        "en": "Going over the loader gave a {kind}, expected a pair (xb, yb) of two tensors, so that "
              "`for xb, yb in loader:` works. Build the loader on TensorDataset(X, y).",
        "zh": "遍历 loader 得到的是 {kind}，应为由两个张量组成的一对 (xb, yb)，这样 `for xb, yb in loader:` "
              "才能正常工作。请在 TensorDataset(X, y) 上创建 loader。",
    },
    "make_loader_batch_sizes": {
        "en": "Over one epoch the batches have sizes {actual}, expected {expected} ({n} samples, batch_size={b}).",
        "zh": "一个轮次中各批次的大小是 {actual}，应为 {expected}（{n} 个样本，batch_size={b}）。",
    },
    "make_loader_dtype": {
        "en": "{what} has dtype {actual}, expected {expected} (the dtype of {source}): the loader must hand out "
              "the data as they are, without converting them.",
        "zh": "{what} 的数据类型（dtype）是 {actual}，应为 {expected}（与 {source} 相同）：loader 应原样交出数据，"
              "不要做类型转换。",
    },
    "make_loader_shape": {
        "en": "{what} has shape {actual}, expected {expected}: a batch of {size} samples of shape {sample}.",
        "zh": "{what} 的形状是 {actual}，应为 {expected}：一批 {size} 个样本，每个样本的形状是 {sample}。",
    },
    "make_loader_device": {
        "en": "{what} is on device {actual}, expected {expected} (the device of X and y).",
        "zh": "{what} 位于设备 {actual}，应与 X 和 y 相同，位于 {expected}。",
    },
    "make_loader_unknown_row": {
        "en": "xb[{index}] of batch {batch} is not a row of X: the loader changed the data.",
        "zh": "第 {batch} 个批次的 xb[{index}] 不是 X 中的任何一行：loader 改动了数据。",
    },
    "make_loader_misaligned": {
        "en": "xb and yb are out of step: in batch {batch}, xb[{index}] is sample {sample} of X, whose label is "
              "{expected}, but yb[{index}] is {actual}. Did you shuffle X and y separately? TensorDataset(X, y) "
              "keeps each (x, y) pair together, and DataLoader(..., shuffle=True) shuffles whole pairs.",
        "zh": "xb 和 yb 对不上了：第 {batch} 个批次中，xb[{index}] 是 X 的第 {sample} 个样本，它的标签是 {expected}，"
              "而 yb[{index}] 却是 {actual}。是不是把 X 和 y 分别打乱了？TensorDataset(X, y) 会把每一对 (x, y) "
              "绑在一起，DataLoader(..., shuffle=True) 打乱的是整对样本。",
    },
    "make_loader_not_once": {
        "en": "Over one epoch, sample {sample} came {count} time(s): an epoch must hand out every sample exactly once.",
        "zh": "一个轮次中，第 {sample} 个样本出现了 {count} 次：每个轮次里每个样本都应该恰好出现一次。",
    },
    "make_loader_not_shuffled": {
        "en": "With shuffle=True the loader handed out the samples in their original order 0, 1, 2, ... "
              "Pass shuffle=shuffle to the DataLoader.",
        "zh": "设置 shuffle=True 时，loader 仍按原来的顺序 0, 1, 2, ... 给出样本。请把 shuffle=shuffle 传给 DataLoader。",
    },
    "make_loader_shuffled": {
        "en": "With shuffle=False the loader changed the order of the samples (it starts with samples {first}). "
              "Pass shuffle=shuffle to the DataLoader instead of always shuffling.",
        "zh": "设置 shuffle=False 时，loader 却打乱了样本的顺序（开头是第 {first} 个样本）。"
              "请把 shuffle=shuffle 传给 DataLoader，而不是总是打乱。",
    },
    "make_loader_same_order": {
        "en": "With shuffle=True, epochs 1 and 2 gave the samples in the same order. Shuffling should draw a "
              "new order for every epoch: return a DataLoader with shuffle=True, not batches shuffled once.",
        "zh": "设置 shuffle=True 时，第 1 和第 2 个轮次给出样本的顺序完全相同。打乱应当在每个轮次重新进行："
              "请返回设置了 shuffle=True 的 DataLoader，而不是只打乱一次的批次。",
    },
    "make_loader_first_batch": {"en": "the first batch", "zh": "第一个批次"},
    "make_loader_len_ok": {
        "en": "make_loader(X, y, 4, shuffle=False) with 10 samples: a DataLoader with len(loader) = 3",
        "zh": "make_loader(X, y, 4, shuffle=False)，共 10 个样本：得到 DataLoader，len(loader) = 3",
    },
    "make_loader_first_ok": {
        "en": "next(iter(loader)) is a pair: xb of shape (4, 3), yb of shape (4,)",
        "zh": "next(iter(loader)) 是一对张量：xb 的形状为 (4, 3)，yb 的形状为 (4,)",
    },
    "make_loader_order_ok": {
        "en": "shuffle=False keeps the order: batches of 4 + 4 + 2, the last partial batch kept",
        "zh": "shuffle=False 保持原有顺序：批次大小为 4 + 4 + 2，最后不满一批的也保留了",
    },
    "make_loader_aligned_ok": {
        "en": "shuffle=True: xb[i] and yb[i] come from the same sample, every sample once per epoch",
        "zh": "shuffle=True：xb[i] 和 yb[i] 来自同一个样本，每个轮次中每个样本恰好出现一次",
    },
    "make_loader_shuffle_ok": {
        "en": "shuffle=True changes the order, and again in the next epoch; float64 data stay float64",
        "zh": "shuffle=True 会打乱顺序，下一个轮次又是新的顺序；float64 的数据仍是 float64",
    },
})


def _kind(value) -> str:
    return type_name(value)


def row_index(X: torch.Tensor) -> dict[bytes, int]:
    """Each sample of X, as bytes, mapped to its position (the check's data have distinct rows)."""
    rows = X.detach().cpu().reshape(len(X), -1).contiguous()
    return {row.numpy().tobytes(): i for i, row in enumerate(rows)}


def ceil_div(n: int, b: int) -> int:
    return -(-n // b)


def expect_loader(loader, n: int, batch_size: int) -> None:
    """A DataLoader whose length counts the last partial batch."""
    expect_loader_kind(isinstance(loader, DataLoader), _kind(loader))
    expect_length(call(len, loader, name="len"), n, batch_size)


def expect_loader_kind(is_loader: bool, kind: str) -> None:
    """``make_loader`` returned a DataLoader (``kind``: the type it returned, by name)."""
    if is_loader is not True:
        raise CheckFailed(message("make_loader_not_loader", kind=kind))


def expect_length(actual, n: int, batch_size: int) -> None:
    """``len(loader)`` counts the last partial batch."""
    expected = ceil_div(n, batch_size)
    if actual != expected or type(actual) is not int:
        fields = dict(actual=actual, expected=expected, n=n, b=batch_size)
        if n % batch_size and actual == n // batch_size:
            raise CheckFailed(message("make_loader_len_drop_last", rest=n % batch_size, **fields))
        if actual == n and batch_size > 1:
            raise CheckFailed(message("make_loader_len_batch_size", **fields))
        raise CheckFailed(message("make_loader_len", **fields))


def expect_batch(batch, X: torch.Tensor, y: torch.Tensor, size: int, what: str = "") -> tuple:
    """One batch from the loader: a pair (xb, yb) with ``size`` samples, X's and y's dtype and device."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2 \
            or not all(isinstance(t, torch.Tensor) for t in batch):
        raise CheckFailed(message("make_loader_not_pair", kind=_kind(batch) if not isinstance(batch, (tuple, list))
                                  else f"{_kind(batch)} of {[_kind(t) for t in batch]}"))
    xb, yb = batch
    for name, tensor, source in (("xb", xb, X), ("yb", yb, y)):
        label = f"{what}{name}"
        if tensor.dtype != source.dtype:
            raise CheckFailed(message("make_loader_dtype", what=label, actual=tensor.dtype,
                                      expected=source.dtype, source="X" if name == "xb" else "y"))
        shape = (size, *source.shape[1:])
        if tuple(tensor.shape) != shape:
            raise CheckFailed(message("make_loader_shape", what=label, actual=tuple(tensor.shape),
                                      expected=shape, size=size, sample=tuple(source.shape[1:])))
        if tensor.device != source.device:
            raise CheckFailed(message("make_loader_device", what=label, actual=tensor.device,
                                      expected=source.device))
    return xb, yb


def one_epoch(loader, X: torch.Tensor, y: torch.Tensor, batch_size: int, rows: dict[bytes, int]) -> list[int]:
    """Go over the loader once; return the sample order, failing on any batch a training loop would trip on."""
    return check_epoch(call(list, loader, name="list"), X, y, batch_size, rows)


def take_epoch(loader, limit: int) -> list:
    """The batches of one pass over ``loader``, at most ``limit`` of them (a loader could go on forever)."""
    iterator = call(iter, loader, name="iter")
    batches, end = [], object()
    while len(batches) < limit:
        batch = call(next, iterator, end, name="next")
        if batch is end:
            break
        batches.append(batch)
    return batches


def check_epoch(batches: list, X: torch.Tensor, y: torch.Tensor, batch_size: int, rows: dict[bytes, int]) -> list[int]:
    """The sample order of one epoch's ``batches``, failing on any batch a training loop would trip on."""
    n = len(X)
    if type(batches) is not list:
        raise ValueError("the report of an epoch is malformed")
    sizes = [_size(b) for b in batches]
    expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if sizes != expected_sizes:
        if None in sizes:
            expect_batch(batches[sizes.index(None)], X, y, batch_size)
        raise CheckFailed(message("make_loader_batch_sizes", actual=_short(sizes), expected=_short(expected_sizes),
                                  n=n, b=batch_size))
    order = []
    for number, (batch, size) in enumerate(zip(batches, sizes), start=1):
        xb, yb = expect_batch(batch, X, y, size)
        xb_rows = xb.detach().cpu().reshape(size, -1).contiguous()
        for index in range(size):
            sample = rows.get(xb_rows[index].numpy().tobytes())
            if sample is None:
                raise CheckFailed(message("make_loader_unknown_row", index=index, batch=number))
            if not torch.equal(yb[index], y[sample]):
                raise CheckFailed(message("make_loader_misaligned", batch=number, index=index, sample=sample,
                                          expected=_value(y[sample]), actual=_value(yb[index])))
            order.append(sample)
    counts = torch.bincount(torch.tensor(order, dtype=torch.long), minlength=n)
    wrong = (counts != 1).nonzero()
    if len(wrong):
        sample = int(wrong[0])
        raise CheckFailed(message("make_loader_not_once", sample=sample, count=int(counts[sample])))
    return order


def inspect_loader(make_loader, X: torch.Tensor, y: torch.Tensor, batch_size: int, shuffle: bool,
                   epochs: int = 2) -> list[list[int]]:
    """Build a loader with the student's function and check ``epochs`` passes over it; return the orders.

    The caller seeds torch's global generator: with ``shuffle=True`` the DataLoader draws from it.
    X must have distinct rows, so that every row of a batch tells which sample it is.
    """
    loader = call(make_loader, X, y, batch_size, shuffle, name="make_loader")
    expect_loader(loader, len(X), batch_size)
    rows = row_index(X)
    orders = [one_epoch(loader, X, y, batch_size, rows) for _ in range(epochs)]
    expect_orders(orders, len(X), shuffle)
    return orders


def expect_orders(orders: list[list[int]], n: int, shuffle: bool) -> None:
    """The sample orders of successive epochs: kept without shuffling, new every epoch with it."""
    identity = list(range(n))
    if shuffle and n >= 8:  # 8! orders: the chance of keeping the order by luck is 1 in 40,320
        if orders[0] == identity:
            raise CheckFailed(message("make_loader_not_shuffled"))
        if len(orders) > 1 and orders[0] == orders[1]:
            raise CheckFailed(message("make_loader_same_order"))
    if not shuffle:
        for order in orders:
            if order != identity:
                raise CheckFailed(message("make_loader_shuffled", first=", ".join(map(str, order[:5]))))


def _size(batch) -> int | None:
    """The number of samples in a batch that looks like (xb, ...), else None."""
    if isinstance(batch, (tuple, list)) and batch and isinstance(batch[0], torch.Tensor) and batch[0].dim() > 0:
        return len(batch[0])
    return None


def _value(t: torch.Tensor):
    return t.item() if t.numel() == 1 else t.tolist()


def _short(values: list) -> str:
    if len(values) <= 8:
        return str(values)
    return f"[{', '.join(map(str, values[:3]))}, ..., {', '.join(map(str, values[-2:]))}] ({len(values)} batches)"


def check_make_loader(make_loader) -> None:
    """The checks a student runs: type and length, the first batch, order, alignment and shuffling."""
    # Every iter(loader) draws a seed from torch's generator: fork it, so the notebook's numbers stay its own.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        X = torch.stack([torch.arange(10.0), torch.arange(10.0) / 10, -torch.arange(10.0)], dim=1)  # row i ↔ i
        y = torch.arange(10)
        loader = call(make_loader, X, y, 4, False, name="make_loader")
        expect_loader(loader, 10, 4)
        passed(message("make_loader_len_ok"))
        batch = call(next, call(iter, loader, name="iter"), name="next")
        expect_batch(batch, X, y, 4, what=message("make_loader_first_batch") + ": ")
        passed(message("make_loader_first_ok"))
        inspect_loader(make_loader, X, y, 4, shuffle=False, epochs=1)
        passed(message("make_loader_order_ok"))

        images = torch.randn(22, 1, 2, 2, generator=torch.Generator().manual_seed(8), dtype=torch.float64)
        labels = torch.arange(22) % 5 * 10 + torch.arange(22) // 5  # distinct labels: a mix-up always shows
        torch.manual_seed(0)
        inspect_loader(make_loader, images, labels, 6, shuffle=True, epochs=2)
        passed(message("make_loader_aligned_ok"))
        passed(message("make_loader_shuffle_ok"))
    print(message("all_passed"))
