"""``report.html`` beside grades.csv: its counts are grades.csv's, in the instructor's language, plots embedded."""

from __future__ import annotations

import base64
from collections import Counter, defaultdict
from html.parser import HTMLParser

import pytest

from course import config
from course.exports import split_assignment
from course.grade import report, results
from course.grade.results import Row


class Collected(HTMLParser):
    """Every element with data- attributes, in order, and the PNGs."""

    def __init__(self):
        super().__init__()
        self.items: list[tuple[str, dict]] = []
        self.images: list[bytes] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if any(k.startswith("data-") for k in attrs):
            self.items.append((attrs.get("class", ""), attrs))
        if tag == "img" and attrs.get("src", "").startswith("data:image/png;base64,"):
            self.images.append(base64.b64decode(attrs["src"].split(",", 1)[1]))


def parse(path) -> Collected:
    collected = Collected()
    collected.feed(path.read_text(encoding="utf-8"))
    return collected


def stored_rows(out) -> list[Row]:
    """Every row of the run's stored results (grades.csv's, with the message ids the CSV leaves out)."""
    return [row for path in sorted((out / "results").rglob("*.json")) for row in results.load_result(path)[1]]


def test_the_report_counts_are_those_of_grades_csv(graded_corpus):
    rows = graded_corpus["rows"]
    stored = stored_rows(graded_corpus["folder"] / "out")
    assert sorted((r.student_id, r.assignment, r.notebook, r.grade_id, r.status, r.message) for r in stored) == \
        sorted((r["student_id"], r["assignment"], r["notebook"], r["grade_id"], r["status"], r["message"]) for r in rows)
    reasons = {(r.student_id, r.assignment, r.notebook, r.grade_id): r.reason for r in stored}
    page = parse(graded_corpus["folder"] / "out" / "report.html")
    by_exercise = defaultdict(list)
    for row in rows:
        if row["grade_id"]:
            by_exercise[f"{split_assignment(row['assignment'])[0]}/{row['grade_id']}"].append(row)
    sections, current = {}, None
    for kind, attrs in page.items:
        if kind == "exercise":
            current = sections.setdefault(attrs["data-exercise"], {"rows": int(attrs["data-rows"]), "bins": {},
                                                                   "messages": []})
        elif kind == "bin":
            current["bins"][float(attrs["data-score"])] = int(attrs["data-count"])
        elif kind == "message":
            current["messages"].append((attrs["data-reason"], int(attrs["data-count"])))
    assert sections.keys() == by_exercise.keys()
    for exercise, own in by_exercise.items():
        assert sections[exercise]["rows"] == len(own)
        assert sections[exercise]["bins"] == Counter(float(r["score"]) for r in own)
        expected = Counter(reasons.get((r["student_id"], r["assignment"], r["notebook"], r["grade_id"])) or r["message"]
                           for r in own if r["status"] != "ok" and r["message"])
        assert sorted(sections[exercise]["messages"], key=lambda m: (-m[1], m[0])) == \
            sorted(expected.items(), key=lambda m: (-m[1], m[0]))[:report.TOP_MESSAGES]
    assert any(reason for reason in reasons.values()), "the judge's message ids reach the stored results"
    assert len(page.images) == len(by_exercise) and all(png.startswith(b"\x89PNG") for png in page.images)
    notebooks = defaultdict(list)
    for row in rows:
        notebooks[(row["student_id"], row["assignment"], row["notebook"])].append(row)
    shown = {(a["data-student"], a["data-assignment"], a["data-notebook"]): a for k, a in page.items if k == "notebook"}
    assert shown.keys() == notebooks.keys()
    for identity, own in notebooks.items():
        statuses = sorted({r["status"] for r in own if r["status"] != "ok"})
        assert shown[identity]["data-status"] == (", ".join(statuses) or "ok")
        assert float(shown[identity]["data-score"]) == sum(float(r["score"]) for r in own)


def test_the_report_speaks_the_instructors_language(tmp_path):
    rows = [Row("s1", "01_softmax_en", "softmax", "test_softmax", 3, 3, "ok", ""),
            Row("s2", "01_softmax_en", "softmax", "test_softmax", 0, 3, "failed", "wrong <sum>"),
            Row("s3", "01_softmax_zh", "softmax", "test_softmax", 0, 3, "failed", "wrong <sum>"),
            Row("s4", "01_softmax_en", "softmax", "test_softmax", 0, 3, "failed", "case 2: wrong <sum>", "softmax.sums"),
            Row("s5", "01_softmax_en", "softmax", "test_softmax", 0, 3, "failed", "case 7: wrong <sum>", "softmax.sums")]
    assert report.language(config.CourseConfig(), rows) == "en"  # most notebooks
    assert report.language(config.CourseConfig(language="zh"), rows) == "zh"  # course.toml
    report.write(tmp_path / "report.html", rows, "zh")
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "评分报告" in text and "得分分布" in text and "wrong &lt;sum&gt;" in text and "<sum>" not in text
    # one line per message id, whatever case the sentence names; rows without an id are grouped by their text
    assert [(a["data-reason"], a["data-count"]) for k, a in parse(tmp_path / "report.html").items if k == "message"] \
        == [("softmax.sums", "2"), ("wrong <sum>", "2")]


def test_course_toml_language_is_checked(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('language = "zh"\n', encoding="utf-8")
    assert config.load(path).language == "zh"
    path.write_text('language = "fr"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match="language"):
        config.load(path)
