"""How one bilingual lesson file becomes one notebook per language (course.lessons)."""

import textwrap

import pytest

from course.check import parity_problems
from course.lessons import Lesson, LessonError, problems, render, render_answers, strip_translated_comments

HEADER = "# ---\n# jupyter:\n#   kernelspec:\n#     display_name: Python 3\n#     language: python\n#     name: python3\n# ---\n\n"


def lesson(tmp_path, body: str) -> Lesson:
    path = tmp_path / "07_example.py"
    path.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return Lesson(path)


GOOD = '''
    # %% [markdown] lang="en"
    # # Title

    # %% [markdown] lang="zh"
    # # 标题

    # %%
    # [en] Add one.
    # [zh] 加一。
    y = 1 + 1

    # %% solution="double"
    def double(x):
        ### BEGIN SOLUTION
        return 2 * x
        ### END SOLUTION

    # %% tests="test_double" points=2
    assert double(2) == 4
'''


def test_names_come_from_the_file_name(tmp_path):
    example = lesson(tmp_path, GOOD)
    assert (example.name, example.notebook_name, example.assignment("zh")) == ("07_example", "example.ipynb", "07_example_zh")


def test_each_language_gets_its_text_and_the_same_code(tmp_path):
    example = lesson(tmp_path, GOOD)
    en, zh = render(example, "en"), render(example, "zh")
    assert [c.source for c in en.cells if c.cell_type == "markdown"] == ["# Title"]
    assert [c.source for c in zh.cells if c.cell_type == "markdown"] == ["# 标题"]
    assert en.cells[2].source == "# Add one.\ny = 1 + 1" and zh.cells[2].source == "# 加一。\ny = 1 + 1"
    assert [c.id for c in en.cells] == [c.id for c in zh.cells]
    assert parity_problems(example, tmp_path) == []


def test_first_cell_selects_the_language_and_is_locked(tmp_path):
    zh = render(lesson(tmp_path, GOOD), "zh")
    assert 'helper.set_language("zh")' in zh.cells[0].source
    assert zh.cells[0].metadata["nbgrader"]["locked"] is True
    assert zh.metadata["course"] == {"lesson": "07_example", "language": "zh"}


def test_exercise_cells_get_nbgrader_metadata(tmp_path):
    cells = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]
             for c in render(lesson(tmp_path, GOOD), "en").cells if "nbgrader" in c.metadata}
    assert cells["double"] == {"grade": False, "grade_id": "double", "locked": False, "schema_version": 3,
                               "solution": True, "task": False}
    assert cells["test_double"]["grade"] is True and cells["test_double"]["points"] == 2
    assert cells["test_double"]["locked"] is True


def test_two_texts_in_a_row_are_fine(tmp_path):
    body = GOOD + '''
    # %% [markdown] lang="en"
    # A

    # %% [markdown] lang="zh"
    # 甲

    # %% [markdown] lang="en"
    # B

    # %% [markdown] lang="zh"
    # 乙
    '''
    assert problems(lesson(tmp_path, body)) == []


@pytest.mark.parametrize("body, complaint", [
    ('''
    # %% [markdown] lang="en"
    # Only English here.

    # %%
    x = 1
    ''', "cell 1 ('Only English here.'): text cells here have languages ['en'], expected one cell in each"),
    ('''
    # %% [markdown] lang="en"
    # One

    # %% [markdown] lang="en"
    # Two
    ''', "languages ['en', 'en']"),
    ('''
    # %% [markdown]
    # No language at all.

    # %% [markdown] lang="zh"
    # 中文
    ''', "languages [None, 'zh']"),
    ('''
    # %%
    # [en] Only in English.
    x = 1
    ''', "translated comments are unpaired: {'en': 1, 'zh': 0}"),
    ('''
    # %% solution="same"
    x = 1

    # %% tests="same" points=1
    assert x
    ''', "grade ids used twice or reserved: ['same']"),
    ('''
    # %% tests="t"
    assert True
    ''', "a tests cell needs points=N with N > 0"),
])
def test_problems_name_the_cell_and_what_is_missing(tmp_path, body, complaint):
    broken = lesson(tmp_path, body)
    assert any(complaint in problem for problem in problems(broken)), problems(broken)
    with pytest.raises(LessonError):
        render(broken, "en")


def test_translated_comments_keep_their_indentation():
    source = "def f():\n    # [en] Twice.\n    # [zh] 两倍。\n    return 2"
    assert strip_translated_comments(source, "zh") == "def f():\n    # 两倍。\n    return 2"


ANSWERS = GOOD + '''
    # %% [markdown] lang="en"
    # ## Questions
    # 1. Why double?

    # %% [markdown] lang="zh"
    # ## 思考题
    # 1. 为什么是两倍？

    # %% [markdown] lang="en" answers=true
    # ### Answers
    # 1. Because the exercise says so, and doubling is linear.

    # %% [markdown] lang="zh" answers=true
    # ### 参考答案
    # 1. 因为练习要求如此，而且乘以二是线性的运算。
'''


def test_answers_stay_out_of_the_notebooks_and_go_to_the_answers_text(tmp_path):
    example = lesson(tmp_path, ANSWERS)
    assert problems(example) == []
    for language, answer in [("en", "doubling is linear"), ("zh", "线性的运算")]:
        notebook = render(example, language)
        assert not any(answer in cell.source for cell in notebook.cells)
        assert answer in render_answers(example, language)
    assert render_answers(example, "en").startswith("### Answers") and "参考答案" not in render_answers(example, "en")
    assert render_answers(lesson(tmp_path, GOOD), "en") == ""


def test_an_answer_must_be_one_in_every_language(tmp_path):
    broken = lesson(tmp_path, ANSWERS.replace('lang="zh" answers=true', 'lang="zh"'))
    assert any("answers=true is on some languages" in problem for problem in problems(broken))


def test_course_check_finds_answers_that_a_notebook_shows(tmp_path):
    import nbformat

    from course.check import _shows_answers
    from course.lessons import to_text

    example = lesson(tmp_path, ANSWERS)
    answers = render_answers(example, "en")
    notebook = render(example, "en")
    assert not _shows_answers(answers, to_text(notebook))
    notebook.cells.append(nbformat.v4.new_markdown_cell("1. Because the exercise says so, and doubling is linear."))
    assert _shows_answers(answers, to_text(notebook))
