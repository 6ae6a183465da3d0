"""Feedback for a student: one HTML page per graded notebook, in the notebook's language, delivered
through nbgrader's own road.

The page names each exercise and test, with its score, status and the reason, followed by the
answer cells that were graded (the student's own code). It never shows hidden-test code, and
paths of the instructor's machine in a message are replaced by ``…``. Everything that came from a
submission is HTML-escaped.

:func:`publish` puts the page where ``nbgrader release_feedback`` looks for it:
``<course>/feedback/<student>/<assignment>/<notebook>.html`` beside the submission's
``timestamp.txt`` and ``submission_secret.txt`` (what ``nbgrader generate_feedback`` copies there).
``release_feedback`` names the released file ``md5(secret + notebook)``, which is exactly what the
student's ``fetch_feedback`` looks for, so no hash is computed here. A submission that did not come
through the exchange has no secret: its page stays in ``OUT/feedback`` only (release_feedback would
stop at the first feedback folder without one).
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

from helper.i18n import message

from .results import Row

STYLE = """body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:2rem auto;
color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;
vertical-align:top}.ok{color:#17692c}.bad{color:#a11}pre{background:#f6f6f6;padding:.8rem;overflow-x:auto}"""

EXCHANGE_FILES = ("timestamp.txt", "submission_secret.txt")
"""What nbgrader's release_feedback reads beside each feedback page (copied from the submission)."""


def language_of(assignment: str) -> str:
    return "zh" if assignment.endswith("_zh") else "en"


def write(path: Path, rows: list[Row], answers: dict[str, str], exercises: dict[str, str] | None = None,
          private: list[Path] = (), manual: bool = False) -> None:
    """The feedback page for one student's notebook, from its rows and graded answer cells.

    ``exercises`` maps a test's grade id to its exercise name; ``private`` are folders of the
    instructor's machine whose paths must not reach the student.
    """
    first = rows[0]
    language = language_of(first.assignment)

    def text(key: str) -> str:
        return message(f"feedback_{key}", language)

    exercises = exercises or {}
    clean = lambda value: _redact(str(value), private)  # noqa: E731
    score, total = sum(r.score for r in rows), sum(r.max_score for r in rows)
    lines = [f"<!doctype html><meta charset='utf-8'><title>{_e(text('title'))}: {_e(first.notebook)}</title>",
             f"<style>{STYLE}</style>",
             f"<h1>{_e(text('title'))}: {_e(first.assignment)} / {_e(first.notebook)}</h1>",
             f"<p>{_e(first.student_id)} · {_e(text('total'))}: <b>{score:g} / {total:g}</b></p>",
             f"<table><tr><th>{text('exercise')}</th><th>{text('test')}</th><th>{text('score')}</th>"
             f"<th>{text('status')}</th><th>{text('why')}</th></tr>"]
    for row in rows:
        css = "ok" if row.status == "ok" else "bad"
        lines.append(f"<tr><td>{_e(exercises.get(row.grade_id, ''))}</td><td>{_e(row.grade_id)}</td>"
                     f"<td>{row.score:g} / {row.max_score:g}</td>"
                     f"<td class='{css}'>{_e(text(row.status))}</td><td>{_e(clean(row.message))}</td></tr>")
    lines.append("</table>")
    if manual:
        lines.append(f"<p>{_e(text('manual'))}</p>")
    if answers:
        lines.append(f"<h2>{_e(text('answers'))}</h2>")
        for grade_id, source in answers.items():
            lines.append(f"<h3>{_e(grade_id)}</h3><pre>{_e(clean(source))}</pre>")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def publish(page: Path, submission: Path | None, feedback_root: Path, student: str, assignment: str,
            notebook: str) -> Path | None:
    """Copy ``page`` into nbgrader's feedback folder with the submission's timestamp and secret.

    ``submission`` is the folder the notebook was submitted in (``submitted/<student>/<assignment>``).
    Returns where the page went, or None when the submission has no timestamp and secret.
    """
    if submission is None or not all((submission / name).is_file() for name in EXCHANGE_FILES):
        return None
    target = feedback_root / student / assignment
    target.mkdir(parents=True, exist_ok=True)
    for name in EXCHANGE_FILES:
        shutil.copyfile(submission / name, target / name)
    destination = target / f"{notebook}.html"
    shutil.copyfile(page, destination)
    return destination


def _redact(text: str, private: list[Path]) -> str:
    for path in sorted({str(p) for p in private if str(p) not in ("", "/")}, key=len, reverse=True):
        text = text.replace(path, "…")
    return text


def _e(text) -> str:
    return html.escape(str(text))
