"""Where things are in the course directory (the repo root is an nbgrader course directory)."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LESSONS = REPO / "lessons"
SOURCE = REPO / "source"
RELEASE = REPO / "release"
ANSWERS = REPO / "answers"
"""The instructor's answers to each lesson's questions, one Markdown file per assignment; never released."""
WORKSPACE = REPO / "workspace"
