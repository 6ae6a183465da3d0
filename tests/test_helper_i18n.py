"""The language switch and its catalogue: every text exists in every language."""

import pytest

from autograder.exercise import exercise
from autograder.exercise import names as exercise_names
from helper import i18n


def test_every_message_and_class_name_is_in_every_language():
    for name in exercise_names():
        exercise(name)  # loads its catalogue
    for key, texts in i18n.MESSAGES.items():
        assert set(texts) == set(i18n.LANGUAGES), key
        assert all(text.strip() for text in texts.values()), key
    for dataset, names in i18n.CLASS_NAMES.items():
        assert set(names) == set(i18n.LANGUAGES) and all(len(n) == 10 for n in names.values()), dataset


def test_messages_follow_the_language():
    try:
        i18n.set_language("zh")
        assert i18n.message("loss") == "损失"
        assert i18n.class_names("fashion")[9] == "短靴"
        assert i18n.message("not_implemented", name="f").startswith("f 还没有实现")
    finally:
        i18n.set_language("en")
    assert i18n.message("loss") == "Loss" and i18n.class_names("fashion")[9] == "Ankle boot"


def test_unknown_language_and_dataset_are_explained():
    with pytest.raises(ValueError, match="unknown language 'fr': choose one of en, zh"):
        i18n.set_language("fr")
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        i18n.class_names("cifar")


def test_added_messages_need_every_language_and_keep_their_meaning():
    with pytest.raises(ValueError, match="has no zh text"):
        i18n.add_messages({"only_english": {"en": "Only English"}})
    with pytest.raises(ValueError, match="already defined"):
        i18n.add_messages({"loss": {"en": "Cost", "zh": "代价"}})
    i18n.add_messages({"loss": {"en": "Loss", "zh": "损失"}})  # the same texts again are fine


def test_tr_prints_the_notebooks_language_and_needs_every_language():
    try:
        i18n.set_language("zh")
        assert i18n.tr(en="row sums:", zh="每行之和：") == "每行之和："
        i18n.set_language("en")
        assert i18n.tr(en="row sums:", zh="每行之和：") == "row sums:"
        with i18n.speaking("zh"):
            assert i18n.tr(en="a", zh="甲") == "甲"
    finally:
        i18n.set_language("en")
    with pytest.raises(ValueError, match="missing \\['zh'\\]"):
        i18n.tr(en="only English")
    with pytest.raises(ValueError, match="unknown \\['fr'\\]"):
        i18n.tr(en="a", zh="甲", fr="un")
