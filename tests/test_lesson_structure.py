"""What every lesson holds, in both languages: objectives and time at the top, the same headings in
English and Chinese, its figures, a summary, two or three questions with the instructor's answers,
and no promise of a lesson that does not exist.

The lessons are read as built (course.lessons.render), so these are the texts students see.
"""

import re

import pytest

from course.lessons import all_lessons, render, render_answers

LESSONS = all_lessons()
NUMBERS = {int(lesson.name[:2]) for lesson in LESSONS}
HEADING = re.compile(r"^(#{1,6}) (.*)$", re.M)
NUMBERED = re.compile(r"^(\d+)\. ", re.M)

# Figures each lesson shows (a call in a code cell of both notebooks); see helper/diagrams.py.
FIGURES = {
    "01_softmax": ["helper.diagrams.neuron(", "helper.diagrams.softmax_bars("],
    "02_torch_nn": ["helper.diagrams.mlp("],
    "03_lenet": ["helper.diagrams.lenet("],
    "04_losses_autograd": ["helper.diagrams.computational_graph("],
    "05_backprop": ["helper.diagrams.computational_graph("],
    "06_training_loop": ["helper.diagrams.training_loop(", "helper.plot_history("],
    "07_momentum": ["helper.diagrams.descent_paths("],
    "08_minibatches": ["helper.diagrams.epoch_batches("],
    "09_fashion_mnist": ["helper.plot_confusion_matrix(", "helper.show_batch("],
    "10_validation_checkpoints": ["helper.diagrams.overfitting_gap(", "helper.plot_history("],
}
SECTION_TITLES = {
    "en": {"summary": "## Summary", "questions": "## Questions to think about",
           "objectives": "**Objectives:**", "time": re.compile(r"\*\*Time:\*\* about \d+ minutes")},
    "zh": {"summary": "## 小结", "questions": "## 思考题",
           "objectives": "**学习目标：**", "time": re.compile(r"\*\*用时：\*\*约 \d+ 分钟")},
}
PROMISES = [
    re.compile(r"\blessons? (\d+)", re.I),
    re.compile(r"第\s*(\d+)\s*课"),
]
VAGUE_PROMISES = re.compile(
    r"later lessons?|a future lesson|coming lessons?|later in the course|a topic of its own|"
    r"后面的课|以后的课|后续的?课|之后的课|后面会专门|以后再讲", re.I)


def texts(lesson, language) -> list[str]:
    return [cell.source for cell in render(lesson, language).cells if cell.cell_type == "markdown"]


def headings(lesson, language) -> list[tuple[int, str]]:
    """(level, section number or "") of every heading: "## 3. Title" gives (2, "3")."""
    found = []
    for text in texts(lesson, language):
        for hashes, title in HEADING.findall(text):
            number = re.match(r"(\d+[a-z]?)\.", title)
            found.append((len(hashes), number.group(1) if number else ""))
    return found


def promises_in(text: str) -> list[str]:
    found = [m.group(0) for pattern in PROMISES for m in pattern.finditer(text) if int(m.group(1)) not in NUMBERS]
    return found + [m.group(0) for m in VAGUE_PROMISES.finditer(text)]


def section(lesson, language, title) -> str:
    """The text of the markdown cell that starts with ``title``."""
    for text in texts(lesson, language):
        if text.startswith(title):
            return text
    return ""


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_english_and_chinese_have_the_same_headings(lesson):
    assert headings(lesson, "en") == headings(lesson, "zh")


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_no_promise_of_a_lesson_that_does_not_exist(lesson, language):
    found = [promise for text in texts(lesson, language) for promise in promises_in(text)]
    assert not found, f"{lesson.name} ({language}) promises what no lesson holds: {found}"


@pytest.mark.parametrize("text, promise", [
    ("Data augmentation is the subject of lesson 12.", "lesson 12"),
    ("数据增强留到第 12 课。", "第 12 课"),
    ("BatchNorm (a later lesson) cares about the mode.", "later lesson"),
    ("这是过拟合的开端，后面会专门讨论。", "后面会专门"),
])
def test_a_promise_is_caught(text, promise):
    assert promise in promises_in(text)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_top_states_objectives_and_time(lesson, language):
    top = texts(lesson, language)[0]
    titles = SECTION_TITLES[language]
    assert titles["objectives"] in top, f"{lesson.name} ({language}): no {titles['objectives']} at the top"
    assert titles["time"].search(top), f"{lesson.name} ({language}): no time at the top"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_summary_then_two_or_three_questions_with_answers(lesson, language):
    titles = SECTION_TITLES[language]
    all_texts = texts(lesson, language)
    starts = [text.split("\n")[0] for text in all_texts]
    assert titles["summary"] in starts and titles["questions"] in starts, starts
    assert starts.index(titles["summary"]) < starts.index(titles["questions"])
    assert len(section(lesson, language, titles["summary"]).splitlines()) >= 4, "a summary of a few points"
    questions = NUMBERED.findall(section(lesson, language, titles["questions"]))
    assert questions in (["1", "2"], ["1", "2", "3"]), f"{lesson.name} ({language}): questions {questions}"
    answers = NUMBERED.findall(render_answers(lesson, language))
    assert answers == questions, f"{lesson.name} ({language}): answers {answers} for questions {questions}"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_each_lesson_shows_its_figures_in_both_languages(lesson):
    for language in ("en", "zh"):
        code = "\n".join(cell.source for cell in render(lesson, language).cells if cell.cell_type == "code")
        missing = [call for call in FIGURES[lesson.name] if call not in code]
        assert not missing, f"{lesson.name} ({language}) does not draw {missing}"


ENGLISH_WORDS = re.compile(r"[A-Za-z]{2,}[,;:]? [A-Za-z]{2,}")


def untranslated_print_texts(code: str) -> list[str]:
    """English phrases (two words or more) that a `print` shows outside `helper.tr(en=..., zh=...)`."""
    import ast

    found = []

    class Visitor(ast.NodeVisitor):
        def visit_Call(self, node):
            name = ast.unparse(node.func)
            if name in ("helper.tr", "tr"):
                return  # translated: each language gets its own text
            if name == "print":
                for argument in node.args:
                    for inner in ast.walk(argument):
                        if isinstance(inner, ast.Call) and ast.unparse(inner.func) in ("helper.tr", "tr"):
                            break
                    else:
                        for constant in ast.walk(argument):
                            if isinstance(constant, ast.Constant) and isinstance(constant.value, str) \
                                    and ENGLISH_WORDS.search(constant.value):
                                found.append(constant.value)
            self.generic_visit(node)

    Visitor().visit(ast.parse(code))
    return found


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.name)
def test_printed_texts_speak_the_notebooks_language(lesson):
    found = []
    for cell in render(lesson, "zh").cells:
        if cell.cell_type == "code" and "nbgrader" not in cell.metadata:
            found += untranslated_print_texts(cell.source)
    assert not found, f"{lesson.name}: English printed in the zh notebook (use helper.tr): {found}"


def test_an_untranslated_print_is_caught():
    assert untranslated_print_texts('print("row sums:", x)') == ["row sums:"]
    assert untranslated_print_texts('print(helper.tr(en="row sums:", zh="每行之和："), x)') == []
    assert untranslated_print_texts('print("W1:", tuple(W1.shape))') == []
