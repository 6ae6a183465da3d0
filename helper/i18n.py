"""The notebook's language: one switch that checks, plots, class names and grader feedback all follow.

Every generated notebook starts with ``helper.set_language("en")`` or ``("zh")``; from then on the
visible checks speak to the student in that language and the plots label their axes in it.

Every student-facing word comes from one catalogue per language, kept as data: ``messages.<lang>.toml``
files, one per *domain* (``helper/`` for plots and shared check wording, each exercise's folder
for its own messages, ``course/grade/`` for the grader's). :func:`add_catalogue` loads a domain;
an exercise's keys are prefixed with its name (``softmax.small``). Adding a language means adding
its code to ``LANGUAGES`` and one file beside every ``messages.en.toml`` (``tests/test_messages.py``
refuses any gap or a placeholder that differs between languages).
"""

from __future__ import annotations

import string
import threading
import tomllib
from contextlib import contextmanager
from pathlib import Path

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


def add_catalogue(folder: Path | str, prefix: str = "") -> None:
    """Load the domain whose ``messages.<lang>.toml`` files are in ``folder``, keys prefixed ``prefix.``.

    Loading the same domain twice is harmless; a key that would change meaning is refused.
    """
    folder = Path(folder)
    if (folder, prefix) in _LOADED:
        return
    texts_by_language = {language: _read(folder / f"messages.{language}.toml") for language in LANGUAGES}
    keys = set().union(*texts_by_language.values())
    add_messages({f"{prefix}.{key}" if prefix else key:
                  {language: texts[key] for language, texts in texts_by_language.items() if key in texts}
                  for key in keys})
    _LOADED.add((folder, prefix))


def placeholders(text: str) -> set[str]:
    """The ``{fields}`` a catalogue text fills in."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def _read(path: Path) -> dict[str, str]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"the message catalogue {path} is missing: every language needs its file") from None


def add_messages(messages: dict[str, dict[str, str]]) -> None:
    """Add texts to the catalogue (each in every language); a key may not change meaning."""
    for key, texts in messages.items():
        missing = set(LANGUAGES) - set(texts)
        if missing:
            raise ValueError(f"message {key!r} has no {', '.join(sorted(missing))} text")
        if MESSAGES.get(key, texts) != texts:
            raise ValueError(f"message {key!r} is already defined with other texts")
        if len({frozenset(placeholders(text)) for text in texts.values()}) > 1:
            raise ValueError(f"message {key!r} fills in other placeholders in another language")
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

MESSAGES: dict[str, dict[str, str]] = {}
"""Every loaded text: key → {language: text}."""
_LOADED: set[tuple[Path, str]] = set()

add_catalogue(Path(__file__).parent)
