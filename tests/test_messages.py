"""One catalogue per language: every student-facing sentence exists in en and zh, with the same placeholders.

Catalogues are the ``messages.<lang>.toml`` files beside ``helper/`` (plots, shared check wording),
``course/grade/`` (the grader's own sentences) and each exercise's folder. Every message id that the
code uses must be in them, and the Chinese texts must be Chinese (code in backticks aside).
"""

import re

import pytest

from autograder.exercise import exercise, names
from course.paths import REPO
from helper.i18n import LANGUAGES, MESSAGES, _read, placeholders

CATALOGUES = sorted({p.parent for p in REPO.glob("**/messages.en.toml") if ".venv" not in p.parts})
CODE = [p for folder in ("helper", "course", "autograder") for p in (REPO / folder).rglob("*.py")]
USED = re.compile(r"\b(?:message|fail|InvalidNotebook)\(\s*\"([\w.]+)\"|\"((?:error|legacy|text)_\w+)\"")


def load_everything() -> None:
    import course.grade  # noqa: F401  (loads course grade's catalogue)

    for name in names():
        exercise(name)


@pytest.mark.parametrize("folder", CATALOGUES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_catalogue_has_every_language_with_the_same_keys_and_placeholders(folder):
    texts = {language: _read(folder / f"messages.{language}.toml") for language in LANGUAGES}
    english = texts[LANGUAGES[0]]
    for language, catalogue in texts.items():
        assert catalogue.keys() == english.keys(), f"{folder}: {language} differs in {catalogue.keys() ^ english.keys()}"
        for key, text in catalogue.items():
            assert text.strip(), f"{folder}/{language}: {key} is empty"
            assert placeholders(text) == placeholders(english[key]), f"{folder}/{language}: {key}"


def test_every_message_id_the_code_uses_is_in_the_catalogue():
    load_everything()
    used = {(m.group(1) or m.group(2), path) for path in CODE for m in USED.finditer(path.read_text(encoding="utf-8"))}
    missing = sorted(f"{path.relative_to(REPO)}: {key}" for key, path in used
                     if key not in MESSAGES and not any(f"{n}.{key}" in MESSAGES for n in names()))
    assert not missing, missing
    assert len(used) > 50  # the scan finds the code's messages at all


def test_chinese_texts_are_chinese():
    load_everything()
    english_phrase = re.compile(r"[A-Za-z]+(?:[ -][A-Za-z]+){2,}")
    for key, texts in MESSAGES.items():
        prose = re.sub(r"`[^`]*`|\{[^}]*\}|\([^)]*\)", "", texts["zh"])
        assert not english_phrase.search(prose), f"{key}: {texts['zh']}"


@pytest.mark.parametrize("name", names())
def test_a_hidden_case_is_named_in_the_students_language(name):
    """A failure on a hidden case starts with the case's description: in Chinese for a Chinese notebook."""
    from helper.i18n import speaking

    ex = exercise(name)
    hidden = [case for case in ex.cases("cpu", seed=1) if case.hidden]
    for case in hidden:
        assert case.title, f"{name}: hidden case {case.name!r} has no title to name it in the student's language"
        with speaking("en"):
            english = case.described()
        with speaking("zh"):
            chinese = case.described()
        assert "{" not in english + chinese, (english, chinese)
        assert english != chinese or not re.search(r"[A-Za-z]{3,}", re.sub(r"\w+\(.*?\)|torch\.\w+|cpu|cuda", "", english)), \
            f"{name}: {case.title} reads the same in both languages: {english}"
