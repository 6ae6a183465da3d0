"""Where things are in the course directory (the repo root is an nbgrader course directory)."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LESSONS = REPO / "lessons"
SOURCE = REPO / "source"
RELEASE = REPO / "release"
WORKSPACE = REPO / "workspace"
