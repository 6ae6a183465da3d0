"""The notebook's language: one switch that checks, plots and class names all follow.

Every generated notebook starts with ``helper.set_language("en")`` or ``("zh")``; from then on the
visible checks speak to the student in that language and the plots label their axes in it.
Shared texts live here; each exercise's check module adds its own with :func:`add_messages`.
Adding a language means adding its code to ``LANGUAGES`` and one entry to every text
(:func:`add_messages` and ``tests/test_helper_i18n.py`` refuse any gap).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

LANGUAGES = ("en", "zh")
"""Language codes the course is written in; the first is the fallback."""

_state = {"language": LANGUAGES[0]}
_thread = threading.local()  # per-thread choice of the grader, which judges several students at once


def set_language(language: str) -> None:
    """Choose the language for messages and plot labels (``"en"`` or ``"zh"``)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    _state["language"] = language


def get_language() -> str:
    """The language chosen by :func:`set_language` (English until then), or :func:`speaking`'s."""
    return getattr(_thread, "language", None) or _state["language"]


def tr(**texts: str) -> str:
    """The text for the current language, given one per language: ``tr(en="row sums:", zh="每行之和：")``.

    For what a lesson's own code prints: the code is shared by every language's notebook, so it
    holds every translation and prints the one of the notebook it runs in.
    """
    missing = set(LANGUAGES) - set(texts)
    unknown = set(texts) - set(LANGUAGES)
    if missing or unknown:
        raise ValueError(f"tr() needs one text for each of {', '.join(LANGUAGES)}; "
                         f"missing {sorted(missing)}, unknown {sorted(unknown)}")
    return texts[get_language()]


@contextmanager
def speaking(language: str):
    """Speak ``language`` in this thread only, inside the block: for code that serves many students."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: choose one of {', '.join(LANGUAGES)}")
    before, _thread.language = getattr(_thread, "language", None), language
    try:
        yield
    finally:
        _thread.language = before


def message(key: str, language: str | None = None, **fields) -> str:
    """The catalogue text for ``key`` in ``language`` (default: the current one), filled in."""
    texts = MESSAGES[key]
    return texts[language or get_language()].format(**fields)


def add_messages(messages: dict[str, dict[str, str]]) -> None:
    """Add texts to the catalogue (each in every language); a key may not change meaning."""
    for key, texts in messages.items():
        missing = set(LANGUAGES) - set(texts)
        if missing:
            raise ValueError(f"message {key!r} has no {', '.join(sorted(missing))} text")
        if MESSAGES.get(key, texts) != texts:
            raise ValueError(f"message {key!r} is already defined with other texts")
        MESSAGES[key] = texts


def class_names(dataset: str, language: str | None = None) -> list[str]:
    """The ten class names of ``"mnist"`` or ``"fashion"`` (FashionMNIST), in ``language``."""
    try:
        names = CLASS_NAMES[dataset]
    except KeyError:
        raise ValueError(f"unknown dataset {dataset!r}: choose one of {', '.join(CLASS_NAMES)}") from None
    return list(names[language or get_language()])


_DIGITS = [str(d) for d in range(10)]

CLASS_NAMES = {
    "mnist": {"en": _DIGITS, "zh": _DIGITS},
    "fashion": {
        "en": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        "zh": ["T恤/上衣", "裤子", "套头衫", "连衣裙", "外套",
               "凉鞋", "衬衫", "运动鞋", "包", "短靴"],
    },
}

MESSAGES = {
    # Plot labels
    "probability": {"en": "Class probability", "zh": "类别概率"},
    "epoch": {"en": "Epoch", "zh": "轮次（epoch）"},
    "loss": {"en": "Loss", "zh": "损失"},
    "accuracy": {"en": "Accuracy", "zh": "准确率"},
    "train": {"en": "train", "zh": "训练集"},
    "test": {"en": "test", "zh": "测试集"},
    "val": {"en": "validation", "zh": "验证集"},
    "predicted": {"en": "Predicted class", "zh": "预测类别"},
    "true": {"en": "True class", "zh": "真实类别"},
    "confusion_title": {"en": "Confusion matrix", "zh": "混淆矩阵"},
    "label": {"en": "label", "zh": "标签"},
    "prediction": {"en": "predicted", "zh": "预测"},
    # Visible checks
    "check_passed": {"en": "✓ {what}", "zh": "✓ {what}"},
    "all_passed": {"en": "All checks passed. Well done!", "zh": "全部检查通过，做得好！"},
    "not_implemented": {
        "en": "{name} is not implemented yet: replace `raise NotImplementedError()` with your code.",
        "zh": "{name} 还没有实现：请把 `raise NotImplementedError()` 换成你的代码。",
    },
    "crashed": {
        "en": "{name}({args}) raised {error}: {detail}",
        "zh": "{name}({args}) 抛出了 {error}：{detail}",
    },
    "not_tensor": {
        "en": "{what} should be a torch.Tensor, but it is a {kind}.",
        "zh": "{what} 应该是 torch.Tensor，但它是 {kind}。",
    },
    "wrong_shape": {
        "en": "{what} has shape {actual}, expected {expected}.",
        "zh": "{what} 的形状是 {actual}，应为 {expected}。",
    },
    "wrong_dtype": {
        "en": "{what} has dtype {actual}, expected {expected}.",
        "zh": "{what} 的数据类型（dtype）是 {actual}，应为 {expected}。",
    },
    "wrong_device": {
        "en": "{what} is on device {actual}, expected {expected} (the device of the input).",
        "zh": "{what} 位于设备 {actual}，应与输入相同，位于 {expected}。",
    },
    "not_finite": {
        "en": "{what} contains {count} NaN or infinite value(s), first at index {index}.",
        "zh": "{what} 含有 {count} 个 NaN 或无穷大的值，第一个位于索引 {index}。",
    },
    "wrong_values": {
        "en": "{what} is off: at index {index} it is {actual}, expected {expected} "
              "(difference {diff}; {count} of {total} values are wrong).",
        "zh": "{what} 的数值不对：索引 {index} 处是 {actual}，应为 {expected}"
              "（相差 {diff}；{total} 个值中有 {count} 个不对）。",
    },
    "input_modified": {
        "en": "{name} changed its input tensor in place; compute a new tensor instead.",
        "zh": "{name} 原地修改了输入张量；请计算并返回一个新的张量。",
    },
    "forbidden_call": {
        "en": "{name} calls {forbidden}; the exercise asks you to build it yourself from simpler operations.",
        "zh": "{name} 调用了 {forbidden}；这个练习要求你用更基础的运算自己实现。",
    },
}
