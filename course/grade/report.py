"""``OUT/report.html``: the class at a glance, beside ``grades.csv``, in the instructor's language.

Per exercise (each graded test cell of a lesson, both languages together): the score distribution
(a bar chart, embedded as a base64 PNG, with its counts in a table) and the feedback messages most
students got, grouped by the judge's message id (the same mistake on different inputs is one line),
with counts and one student's sentence as the example. Per student: every notebook's score
and status. Everything is counted from the same rows as ``grades.csv``; numbers carry ``data-``
attributes so a test (or a script) can read them back.
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter, defaultdict
from pathlib import Path

from helper.i18n import message

from ..exports import split_assignment
from .feedback import language_of
from .results import Row

TOP_MESSAGES = 8


def language(settings, rows: list[Row]) -> str:
    """course.toml's ``language``, else the language most graded notebooks are in."""
    if getattr(settings, "language", None):
        return settings.language
    counted = Counter(language_of(row.assignment) for row in rows if row.assignment)
    return counted.most_common(1)[0][0] if counted else "en"


def exercise_of(row: Row) -> tuple[str, str]:
    """(lesson, grade id): one exercise's test across both languages of a lesson."""
    return split_assignment(row.assignment)[0], row.grade_id


def notebook_status(rows: list[Row]) -> str:
    """``ok`` when every test passed, else the statuses that are not ``ok``, joined."""
    bad = sorted({row.status for row in rows if row.status != "ok"})
    return ", ".join(bad) if bad else "ok"


def mistakes_of(rows: list[Row]) -> list[tuple[tuple[str, str], int]]:
    """((message id, an example sentence), how many rows) for the rows that lost points, most frequent first.

    Rows are grouped by the judge's message id; a row without one (an older stored result) by its text.
    """
    groups: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        if row.status != "ok" and row.message:
            groups[row.reason or row.message][row.message] += 1
    counted = [((reason, texts.most_common(1)[0][0]), sum(texts.values())) for reason, texts in groups.items()]
    return sorted(counted, key=lambda item: (-item[1], item[0][0]))


def write(path: Path, rows: list[Row], lang: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text(render(rows, lang), encoding="utf-8")
    temporary.replace(path)


def render(rows: list[Row], lang: str) -> str:
    t = lambda key, **fields: html.escape(message(f"report_{key}", lang, **fields))  # noqa: E731
    e = lambda value: html.escape(str(value), quote=True)  # noqa: E731
    by_exercise: dict[tuple[str, str], list[Row]] = defaultdict(list)
    by_notebook: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for row in rows:
        if row.grade_id:
            by_exercise[exercise_of(row)].append(row)
        by_notebook[(row.student_id, row.assignment, row.notebook)].append(row)
    students = len({row.student_id for row in rows})
    parts = [f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{t('title')}</title>",
             "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:.5em 0}"
             "td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}.ok{color:#276b27}"
             ".bad{color:#a11}img{max-width:32em}</style></head><body>",
             f"<h1>{t('title')}</h1><p>{t('summary', students=students, notebooks=len(by_notebook), rows=len(rows))}</p>",
             f"<h2>{t('exercises')}</h2>"]
    for (lesson, grade_id), own in sorted(by_exercise.items()):
        exercise = f"{lesson}/{grade_id}"
        scores = Counter(row.score for row in own)
        parts.append(f"<section class=\"exercise\" data-exercise=\"{e(exercise)}\" data-rows=\"{len(own)}\">"
                     f"<h3>{e(exercise)}</h3><h4>{t('score_distribution')}</h4>")
        parts.append(f"<img alt=\"{t('score_distribution')}\" src=\"data:image/png;base64,"
                     f"{_histogram(scores, max(r.max_score for r in own), lang)}\">")
        parts.append(f"<table><tr><th>{t('score')}</th><th>{t('count')}</th></tr>")
        for score, count in sorted(scores.items()):
            parts.append(f"<tr class=\"bin\" data-score=\"{score:g}\" data-count=\"{count}\"><td>{score:g}</td>"
                         f"<td>{count}</td></tr>")
        parts.append(f"</table><h4>{t('messages')}</h4>")
        mistakes = mistakes_of(own)
        if not mistakes:
            parts.append(f"<p>{t('no_messages')}</p>")
        else:
            parts.append(f"<table><tr><th>{t('count')}</th><th>{t('message')}</th></tr>")
            for (reason, example), count in mistakes[:TOP_MESSAGES]:
                parts.append(f"<tr class=\"message\" data-reason=\"{e(reason)}\" data-count=\"{count}\"><td>{count}</td>"
                             f"<td>{e(example)}<br><code>{e(reason)}</code></td></tr>")
            parts.append("</table>")
        parts.append("</section>")
    parts.append(f"<h2>{t('students')}</h2><table><tr><th>{t('student')}</th><th>{t('notebook')}</th>"
                 f"<th>{t('score')}</th><th>{t('status')}</th></tr>")
    for (student, assignment, notebook), own in sorted(by_notebook.items()):
        status = notebook_status(own)
        score, total = sum(r.score for r in own), sum(r.max_score for r in own)
        parts.append(f"<tr class=\"notebook\" data-student=\"{e(student)}\" data-assignment=\"{e(assignment)}\" "
                     f"data-notebook=\"{e(notebook)}\" data-score=\"{score:g}\" data-max=\"{total:g}\" "
                     f"data-status=\"{e(status)}\"><td>{e(student)}</td><td>{e(assignment)}/{e(notebook)}</td>"
                     f"<td>{score:g} / {total:g}</td><td class=\"{'ok' if status == 'ok' else 'bad'}\">{e(status)}</td></tr>")
    parts.append("</table></body></html>\n")
    return "".join(parts)


def _histogram(scores: Counter, maximum: float, lang: str) -> str:
    """A bar chart of how many students got each score, as base64 PNG."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    if lang == "zh":
        from helper.fonts import enable_cjk

        enable_cjk()
    figure = Figure(figsize=(4.5, 2.4), dpi=80)
    axes = figure.subplots()
    values = sorted(scores)
    axes.bar([f"{v:g}" for v in values], [scores[v] for v in values], color="#4a7ab5")
    axes.set_xlabel(message("report_scores_axis", lang) + f" (/ {maximum:g})")
    axes.set_ylabel(message("report_students_axis", lang))
    axes.yaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")
