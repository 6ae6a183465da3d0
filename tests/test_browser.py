"""What students see in JupyterLab, checked in a real browser (headless Chromium driven by Playwright).

``pytest -m browser`` runs these alone. The server is started the way README's run command starts
it (``python -m course lab``) on a scratch workspace and a free port, and is stopped on every exit
path. Screenshots of each step are kept in ``build/browser-artifacts/``.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

from course.paths import REPO

from conftest import run_nbgrader, scratch_course, submission
from test_lab import TOKEN, free_port, start_lab, stop, wait_for_listing

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.txt: run `make setup`")

ARTIFACTS = REPO / "build" / "browser-artifacts"
CHROMIUM_FLAGS = [  # headless, as root, on a machine with no network beyond localhost
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
CORRECT_ANSWER = submission("softmax", "correct_max_shift")


def chromium() -> str:
    """The browser to drive: ``$COURSE_BROWSER`` or Chromium/Chrome from PATH."""
    candidates = [os.environ.get("COURSE_BROWSER")] + [shutil.which(name) for name in
                                                        ("chromium", "chromium-browser", "google-chrome")]
    found = next((c for c in candidates if c), None)
    if found is None:
        pytest.fail("no Chromium found: `make test` installs Debian's `chromium` when run as root; "
                    "otherwise install Chromium or Chrome, or set COURSE_BROWSER to its path")
    return found


@pytest.fixture(scope="module")
def course(tmp_path_factory, data_root):
    """A scratch course directory: both languages generated and released to its exchange."""
    course = scratch_course(tmp_path_factory.mktemp("course"))
    for command in (["generate_assignment", "01_softmax_en", "--force"],
                    ["generate_assignment", "01_softmax_zh", "--force"],
                    ["release_assignment", "01_softmax_en"],
                    ["release_assignment", "01_softmax_zh"]):
        result = run_nbgrader(course, *command)
        assert result.returncode == 0, result.stdout + result.stderr
    return course


@pytest.fixture(scope="module")
def lab(tmp_path_factory, course):
    """Students' Labs in each language and the instructor's, on that course: {role: base URL}."""
    workspace = tmp_path_factory.mktemp("workspace")
    roles = {"en": ["--lang", "en"], "zh": ["--lang", "zh"], "instructor": ["--instructor"]}
    servers, urls = {}, {}
    try:
        for role, options in roles.items():
            port = free_port()
            servers[role] = start_lab(port, workspace, *options, "--course-dir", str(course), "--skip-prepare")
            urls[role] = f"http://127.0.0.1:{port}"
        for role, server in servers.items():
            wait_for_listing(f"{urls[role]}/api/contents/", server)
        yield urls
    finally:
        for server in servers.values():
            stop(server)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    page.screenshot(path=ARTIFACTS / f"{request.node.name}-last.png")
    context.close()


def open_notebook(page, base_url: str, path: str) -> None:
    """Open ``path`` in a fresh layout (``reset``: no tabs restored from earlier tests)."""
    page.goto(f"{base_url}/lab/tree/{path}?reset&token={TOKEN}")
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)


def menu(page, *labels: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=labels[0]).click()
    for label in labels[1:]:
        page.locator(".lm-Menu-itemLabel").get_by_text(label, exact=True).click()


def wait_until_idle(page) -> None:
    """Wait for queued cells to finish: no cell shows the [*] of a running cell, the kernel is idle."""
    page.wait_for_function("() => ![...document.querySelectorAll('.jp-InputPrompt')]"
                           ".some(p => p.textContent.includes('[*]'))", timeout=180_000)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=60_000)


def type_answer(page, answer: str) -> None:
    """Replace the exercise cell's stub with ``answer``, as a student pasting it would."""
    cell = page.locator(".jp-CodeCell", has=page.locator(".cm-content", has_text="raise NotImplementedError()"))
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(answer)  # a paste: no auto-indent or bracket closing on the way in
    page.keyboard.press("Shift+Enter")  # run the answer, move to the check cell
    page.keyboard.press("Shift+Enter")  # run the check
    wait_until_idle(page)


def renders_glyph(page, character: str, selector: str) -> bool:
    """Whether the browser draws ``character`` in the font of ``selector`` (not a missing-glyph box).

    A missing glyph is drawn as the same box whatever the character, so ``character`` is compared
    with an unassigned code point, pixel for pixel, on a canvas.
    """
    return page.evaluate("""([character, selector]) => {
        const family = getComputedStyle(document.querySelector(selector)).fontFamily;
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 48;
        const context = canvas.getContext('2d');
        const draw = text => {
            context.clearRect(0, 0, 48, 48);
            context.font = `32px ${family}`;
            context.fillText(text, 4, 36);
            return canvas.toDataURL();
        };
        return draw(character) !== draw('\\u{10FFFD}');
    }""", [character, selector])


def outputs_text(page) -> str:
    return "\n".join(page.locator(".jp-OutputArea-output").all_inner_texts())


def test_student_runs_the_lesson_answers_the_exercise_and_validates(lab, page):
    open_notebook(page, lab["en"], "01_softmax_en/softmax.ipynb")
    menu(page, "Run", "Run All Cells")
    page.get_by_text("softmax is not implemented yet").wait_for(timeout=180_000)
    wait_until_idle(page)
    assert page.locator(".jp-RenderedImage img").count() >= 1, "the batch of digits should be drawn inline"
    page.screenshot(path=ARTIFACTS / "1-stub-fails-its-check.png", full_page=True)

    type_answer(page, CORRECT_ANSWER)
    page.get_by_text("All checks passed. Well done!").wait_for()
    page.screenshot(path=ARTIFACTS / "2-answer-passes-its-check.png")

    page.keyboard.press("Control+S")
    overwrite = page.get_by_role("button", name="Overwrite")  # Lab asks if it thinks the file changed on disk
    saved = page.locator(".jp-mod-dirty")
    overwrite.or_(page.get_by_text("Saving completed")).first.wait_for(timeout=30_000)
    if overwrite.is_visible():
        overwrite.click()
    saved.wait_for(state="detached", timeout=30_000)
    page.locator("jp-button[title='Validate Assignment'], button[title='Validate Assignment']").first.click()
    page.get_by_text("Success! Your notebook passes all the tests.").wait_for(timeout=180_000)
    page.screenshot(path=ARTIFACTS / "3-validate-succeeds.png")


def test_chinese_notebook_shows_chinese_feedback_and_plots(lab, page):
    open_notebook(page, lab["zh"], "01_softmax_zh/softmax.ipynb")
    type_answer(page, CORRECT_ANSWER)  # answer first, then run everything top to bottom
    menu(page, "Run", "Run All Cells")
    wait_until_idle(page)
    page.get_by_text("全部检查通过，做得好！").wait_for()
    text = outputs_text(page)
    assert "Glyph" not in text and "missing from font" not in text, "a zh plot is missing Chinese glyphs"
    images = page.locator(".jp-RenderedImage img")
    assert images.count() >= 3, "every plot of the lesson should render inline"
    images.nth(1).scroll_into_view_if_needed()
    images.nth(1).screenshot(path=ARTIFACTS / "4-zh-view-classify.png")  # shows 类别概率 (class probability)
    assert not renders_glyph(page, "\U0010FFFC", ".jp-RenderedMarkdown"), "the glyph check cannot tell a box"
    assert renders_glyph(page, "类", ".jp-RenderedMarkdown"), (
        "the browser draws Chinese text as boxes: install a CJK font (Debian: fonts-wqy-microhei)")
    page.locator(".jp-Cell").first.scroll_into_view_if_needed()
    page.get_by_role("heading", name="第 1 课 · 从权重矩阵到 softmax").wait_for(state="visible")
    page.screenshot(path=ARTIFACTS / "5-zh-lesson-text.png")


def test_training_progress_bar_renders_as_a_widget(lab, page):
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": "import helper\n\nfor step in helper.progress(range(200), desc='epoch'):\n    pass"}],
                "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)"}},
                "nbformat": 4, "nbformat_minor": 5}
    body = json.dumps({"type": "notebook", "content": notebook}).encode()
    request = urllib.request.Request(f"{lab['en']}/api/contents/progress.ipynb", data=body, method="PUT",
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()

    open_notebook(page, lab["en"], "progress.ipynb")
    menu(page, "Run", "Run All Cells")
    wait_until_idle(page)
    bar = page.locator(".jp-OutputArea .widget-hprogress, .jp-OutputArea progress")
    bar.first.wait_for()
    assert "200/200" in outputs_text(page)
    page.screenshot(path=ARTIFACTS / "6-progress-bar.png")


def test_student_assignment_list_shows_and_fetches_released_lessons(lab, page):
    open_notebook(page, lab["en"], "01_softmax_en/softmax.ipynb")
    menu(page, "Nbgrader", "Assignment List")
    page.locator(".lm-TabBar-tab", has_text="Assignments").click()
    page.locator("#released_assignments_list .list_item", has_text="01_softmax_en").wait_for()
    released = page.locator("#released_assignments_list .list_item", has_text="01_softmax_zh")
    released.wait_for()
    page.screenshot(path=ARTIFACTS / "7-assignment-list.png")
    released.get_by_role("button", name="Fetch").click()
    page.locator("#fetched_assignments_list .list_item", has_text="01_softmax_zh").wait_for()


def test_instructor_has_formgrader_and_create_assignment(lab, page):
    open_notebook(page, lab["instructor"], "source/01_softmax_en/softmax.ipynb")
    page.get_by_title("Create Assignment").first.click()
    panel_values = lambda: page.locator("input").evaluate_all("inputs => inputs.map(i => i.value)")  # noqa: E731
    page.wait_for_function("() => [...document.querySelectorAll('input')].some(i => i.value === 'test_softmax')")
    values = panel_values()
    assert {"language", "softmax", "test_softmax", "3"} <= set(values), values
    page.screenshot(path=ARTIFACTS / "8-create-assignment.png")

    menu(page, "Nbgrader", "Formgrader")
    formgrader = page.frame_locator("iframe").first
    formgrader.get_by_text("Manage Assignments").first.wait_for()
    for assignment in ("01_softmax_en", "01_softmax_zh"):
        formgrader.get_by_role("link", name=assignment, exact=True).wait_for()
    page.screenshot(path=ARTIFACTS / "9-formgrader.png")
