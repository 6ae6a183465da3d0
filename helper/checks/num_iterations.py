"""Visible checks for the ``num_iterations(n_samples, batch_size, epochs)`` exercise (lesson 8).

The answer is ``ceil(n_samples / batch_size) * epochs``, an ``int``. :func:`expect_iterations` calls
the student's function once and, when the count is off, names the usual mistake: rounding down
(the last, smaller batch forgotten), forgetting the epochs, adding one batch too many when the data
divide evenly, or returning a float such as ``938.0``. The hidden tests judge the counts they
receive with its second half, :func:`expect_count`, on random numbers.
"""

from __future__ import annotations

from ..i18n import add_messages, message
from .core import CheckFailed, call, passed, type_name

add_messages({
    "num_iterations_not_int": {
        "en": "num_iterations({args}) returned {value!r}, a {kind}. A number of optimizer steps is a whole "
              "number: return a Python int. (n / b is always a float, even when it divides evenly; "
              "math.ceil(...) and // give ints.)",
        "zh": "num_iterations({args}) 返回了 {value!r}，类型是 {kind}。优化器的步数是整数：请返回 Python 的 int。"
              "（n / b 的结果总是浮点数，即使能整除也一样；math.ceil(...) 和 // 的结果才是 int。）",
    },
    "num_iterations_floor": {
        "en": "num_iterations({args}) returned {actual}, expected {expected}: you rounded down. {n} samples in "
              "batches of {b} make {full} full batches and one last batch of {rest} samples, and that last "
              "batch is a step too (the DataLoader keeps it unless drop_last=True). Round up.",
        "zh": "num_iterations({args}) 返回了 {actual}，应为 {expected}：你向下取整了。{n} 个样本按每批 {b} 个分，"
              "得到 {full} 个完整的批次，外加最后一个只有 {rest} 个样本的批次，它同样要走一步"
              "（除非设置 drop_last=True，否则 DataLoader 会保留它）。请向上取整。",
    },
    "num_iterations_no_epochs": {
        "en": "num_iterations({args}) returned {actual}, expected {expected}: that is the number of steps in ONE "
              "epoch. The function counts the steps of the whole training run: multiply by epochs ({epochs}).",
        "zh": "num_iterations({args}) 返回了 {actual}，应为 {expected}：这是**一个**轮次（epoch）的步数。"
              "这个函数要数的是整个训练过程的步数：还要乘以 epochs（{epochs}）。",
    },
    "num_iterations_extra_batch": {
        "en": "num_iterations({args}) returned {actual}, expected {expected}: {n} samples divide evenly into "
              "batches of {b}, so there is no partial batch to add. n // b + 1 is one too many exactly in this "
              "case; round up instead (math.ceil(n / b) or (n + b - 1) // b).",
        "zh": "num_iterations({args}) 返回了 {actual}，应为 {expected}：{n} 个样本正好能分成每批 {b} 个，"
              "没有剩下不满一批的样本。n // b + 1 恰好在这种情况下多算了一步；请改用向上取整"
              "（math.ceil(n / b) 或 (n + b - 1) // b）。",
    },
    "num_iterations_one_stream": {
        "en": "num_iterations({args}) returned {actual}, expected {expected}: you divided all {epochs} epochs' "
              "samples into batches as one long stream. Each epoch starts afresh and ends with its own partial "
              "batch: count the steps of one epoch, then multiply by epochs.",
        "zh": "num_iterations({args}) 返回了 {actual}，应为 {expected}：你把 {epochs} 个轮次的全部样本当成一长串来分批了。"
              "每个轮次都是重新开始的，末尾都有自己那个不满的批次：先数出一个轮次的步数，再乘以 epochs。",
    },
    "num_iterations_wrong": {
        "en": "num_iterations({args}) returned {actual}, expected {expected} "
              "(ceil({n} / {b}) = {per_epoch} steps per epoch, times {epochs} epochs).",
        "zh": "num_iterations({args}) 返回了 {actual}，应为 {expected}"
              "（每个轮次 ceil({n} / {b}) = {per_epoch} 步，乘以 {epochs} 个轮次）。",
    },
    "num_iterations_worked": {
        "en": "60,000 samples, batch size 64, 1 epoch → 938 steps (937 full batches + one of 32)",
        "zh": "60,000 个样本、批量大小 64、1 个轮次 → 938 步（937 个完整批次 + 1 个 32 个样本的批次）",
    },
    "num_iterations_epochs": {
        "en": "10 epochs → 9,380 steps; the count is an int",
        "zh": "10 个轮次 → 9,380 步；结果是 int",
    },
    "num_iterations_small": {
        "en": "10 samples in batches of 4 → 3 steps per epoch (4 + 4 + 2)",
        "zh": "10 个样本、每批 4 个 → 每个轮次 3 步（4 + 4 + 2）",
    },
    "num_iterations_even": {
        "en": "100 samples in batches of 10, 2 epochs → 20 steps (no partial batch)",
        "zh": "100 个样本、每批 10 个、2 个轮次 → 20 步（没有不满一批的情况）",
    },
})


class _Shown(str):
    """Text shown as it is where the message template asks for a repr (``{value!r}``)."""

    def __repr__(self) -> str:
        return str(self)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ceil_div(n: int, b: int) -> int:
    """⌈n / b⌉ in exact integer arithmetic."""
    return -(-n // b)


def expected_iterations(n_samples: int, batch_size: int, epochs: int) -> int:
    """The reference answer: every batch of every epoch is one step, the last partial batch included."""
    return ceil_div(n_samples, batch_size) * epochs


def expect_iterations(num_iterations, n_samples: int, batch_size: int, epochs: int) -> None:
    """Call the student's function once; fail with the mistake the wrong count points to."""
    result = call(num_iterations, n_samples, batch_size, epochs, name="num_iterations")
    expect_count(result, n_samples, batch_size, epochs)


def expect_count(result, n_samples: int, batch_size: int, epochs: int, shown: str | None = None,
                 kind: str | None = None) -> None:
    """Fail unless ``result`` is exactly the int :func:`expected_iterations` gives, naming the likely mistake.

    ``shown`` and ``kind`` describe a result that is not an int when ``result`` itself cannot (the
    hidden tests receive a numpy float as ``autograder.wire.Returned``, and its repr from the probe).
    """
    args = f"{n_samples}, {batch_size}, {epochs}"
    if type(result) is not int:
        raise CheckFailed(message("num_iterations_not_int", args=args, value=_Shown(shown or _short(repr(result))),
                                  kind=kind or type_name(result)))
    expected = expected_iterations(n_samples, batch_size, epochs)
    if result == expected:
        return
    full, rest = divmod(n_samples, batch_size)
    per_epoch = ceil_div(n_samples, batch_size)
    fields = dict(args=args, actual=result, expected=expected, n=n_samples, b=batch_size, epochs=epochs)
    if rest and epochs and result == full * epochs:
        raise CheckFailed(message("num_iterations_floor", full=full, rest=rest, **fields))
    if epochs != 1 and result in (per_epoch, full, full + 1):
        raise CheckFailed(message("num_iterations_no_epochs", **fields))
    if not rest and epochs and result == (full + 1) * epochs:
        raise CheckFailed(message("num_iterations_extra_batch", **fields))
    if epochs > 1 and result == ceil_div(n_samples * epochs, batch_size):
        raise CheckFailed(message("num_iterations_one_stream", **fields))
    raise CheckFailed(message("num_iterations_wrong", per_epoch=per_epoch, **fields))


def check_num_iterations(num_iterations) -> None:
    """The checks a student runs: the lesson's worked count, epochs, a partial batch, an even split."""
    expect_iterations(num_iterations, 60_000, 64, 1)
    passed(message("num_iterations_worked"))
    expect_iterations(num_iterations, 60_000, 64, 10)
    passed(message("num_iterations_epochs"))
    expect_iterations(num_iterations, 10, 4, 1)
    expect_iterations(num_iterations, 10, 4, 3)
    passed(message("num_iterations_small"))
    expect_iterations(num_iterations, 100, 10, 2)
    passed(message("num_iterations_even"))
    print(message("all_passed"))
