"""One Chinese term per concept: every zh text of the course follows lessons/glossary.md.

The Chinese texts are the zh notebooks as built (text cells, comments, printed strings), the
messages of every Chinese catalogue, the class names of helper/i18n.py, and the plot and diagram labels of helper/*.py.
The last tests prove the check can fail: a text with a known variant is caught.
"""

import re
from pathlib import Path

import pytest

from course.lessons import all_lessons, render

REPO = Path(__file__).resolve().parents[1]
GLOSSARY = REPO / "lessons" / "glossary.md"
CJK = re.compile(r"[\u4e00-\u9fff]")


def glossary() -> list[tuple[str, str, list[str]]]:
    """(English, 中文, variants not used) for each row of the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "---") or not CJK.search(cells[1]):
            continue
        variants = [v.strip() for v in cells[2].split(",") if CJK.search(v) and "`" not in v]
        rows.append((cells[0], cells[1], variants))
    return rows


def zh_lesson_texts() -> dict[str, str]:
    """{notebook name: all the text of its zh notebook}, cells joined."""
    return {lesson.name: "\n".join(cell.source for cell in render(lesson, "zh").cells) for lesson in all_lessons()}


def helper_texts() -> dict[str, str]:
    """{file: its text} for helper/*.py (class names, plot labels) and every Chinese message catalogue
    (helper's, course grade's, each exercise's): what a student reads besides the lessons."""
    files = sorted((REPO / "helper").glob("*.py"))
    files += sorted(p for p in REPO.glob("**/messages.zh.toml") if ".venv" not in p.parts)
    return {str(path.relative_to(REPO)): path.read_text(encoding="utf-8") for path in files}


def variants_in(texts: dict[str, str]) -> list[str]:
    found = []
    for english, term, variants in glossary():
        for variant in variants:
            for name, text in texts.items():
                if variant in text:
                    found.append(f"{name}: {variant!r} for {english!r}; the glossary says {term!r}")
    return found


def device_in_prose(texts: dict[str, str]) -> list[str]:
    """The English word "device" in Chinese prose: outside `code`, $math$ and code cells."""
    found = []
    for lesson in all_lessons():
        for cell in render(lesson, "zh").cells:
            if cell.cell_type != "markdown":
                continue
            prose = re.sub(r"`[^`]*`|\$[^$]*\$|\(http[^)]*\)", "", cell.source)
            if re.search(r"\bdevice\b", prose, re.I):
                found.append(f"{lesson.name}: 'device' in {cell.source[:60]!r}: write 设备")
    return found


def test_the_glossary_has_the_terms_the_issue_names():
    terms = {english: term for english, term, _ in glossary()}
    assert terms["stride"] == "步幅" and terms["step size"] == "步长" and terms["learning rate"] == "学习率"
    assert terms["batch size"] == "批量大小" and terms["batch normalisation"] == "批量归一化"
    assert {"张量", "反向传播", "损失函数", "梯度下降", "动量", "设备"} <= set(terms.values())
    assert len(set(terms.values())) == len(terms), "one term per concept, and one concept per term"


def test_zh_lessons_use_the_glossary_terms():
    found = variants_in(zh_lesson_texts())
    assert not found, "\n".join(found)


def test_helper_messages_and_plot_labels_use_the_glossary_terms():
    found = variants_in(helper_texts())
    assert not found, "\n".join(found)


def test_zh_prose_says_设备_not_device():
    found = device_in_prose(zh_lesson_texts())
    assert not found, "\n".join(found)


def test_every_glossary_term_is_used_by_a_zh_lesson():
    text = "\n".join(zh_lesson_texts().values())
    unused = [term for _, term, _ in glossary() if term not in text]
    assert not unused, f"terms no lesson uses (drop them or use them): {unused}"


@pytest.mark.parametrize("text, variant", [
    ("在没有填充、步长（stride）为 1 时", "步长（stride）"),
    ("批次大小为 64", "批次大小"),
    ("卷积层后面的批归一化", "批归一化"),
])
def test_a_variant_is_caught(text, variant):
    found = variants_in({"example": text})
    assert found and variant in found[0]
