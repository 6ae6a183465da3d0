"""Feedback for a student: one HTML page per graded notebook, in the notebook's language.

The page lists every graded test with its score, status and the reason, followed by the answer
cells that were graded. Everything that came from a submission is HTML-escaped.
"""

from __future__ import annotations

import html
from pathlib import Path

from .results import Row

TEXT = {
    "en": {"title": "Feedback", "test": "Test", "score": "Score", "status": "Status", "why": "Details",
           "total": "Total", "answers": "Your graded answers", "ok": "passed", "failed": "failed",
           "error": "error", "timeout": "too slow", "missing": "missing", "tampered": "test cell changed",
           "invalid": "not readable"},
    "zh": {"title": "评分反馈", "test": "测试", "score": "得分", "status": "状态", "why": "说明",
           "total": "总分", "answers": "参与评分的答案", "ok": "通过", "failed": "未通过",
           "error": "出错", "timeout": "超时", "missing": "缺失", "tampered": "测试单元格被修改",
           "invalid": "无法读取"},
}

STYLE = """body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:2rem auto;
color:#222}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;
vertical-align:top}.ok{color:#17692c}.bad{color:#a11}pre{background:#f6f6f6;padding:.8rem;overflow-x:auto}"""


def language_of(assignment: str) -> str:
    return "zh" if assignment.endswith("_zh") else "en"


def write(path: Path, rows: list[Row], answers: dict[str, str]) -> None:
    """The feedback page for one student's notebook, from its rows and graded answer cells."""
    first = rows[0]
    text = TEXT[language_of(first.assignment)]
    score, total = sum(r.score for r in rows), sum(r.max_score for r in rows)
    lines = [f"<!doctype html><meta charset='utf-8'><title>{_e(text['title'])}: {_e(first.notebook)}</title>",
             f"<style>{STYLE}</style>",
             f"<h1>{_e(text['title'])}: {_e(first.assignment)} / {_e(first.notebook)}</h1>",
             f"<p>{_e(first.student_id)} · {_e(text['total'])}: <b>{score:g} / {total:g}</b></p>",
             f"<table><tr><th>{text['test']}</th><th>{text['score']}</th><th>{text['status']}</th><th>{text['why']}</th></tr>"]
    for row in rows:
        css = "ok" if row.status == "ok" else "bad"
        lines.append(f"<tr><td>{_e(row.grade_id)}</td><td>{row.score:g} / {row.max_score:g}</td>"
                     f"<td class='{css}'>{_e(text[row.status])}</td><td>{_e(row.message)}</td></tr>")
    lines.append("</table>")
    if answers:
        lines.append(f"<h2>{_e(text['answers'])}</h2>")
        for grade_id, source in answers.items():
            lines.append(f"<h3>{_e(grade_id)}</h3><pre>{_e(source)}</pre>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _e(text) -> str:
    return html.escape(str(text))
