"""BENCHMARKS.md, written by more than one benchmark: each owns one ``## `` section and keeps the others."""

from __future__ import annotations

from pathlib import Path

from .paths import REPO

FILE = REPO / "BENCHMARKS.md"
TITLE = "# Benchmarks\n"


def write_section(section: str, path: Path = FILE) -> None:
    """Replace the section that starts with ``section``'s first line (up to the next ``## `` heading), or append it."""
    heading = section.split("\n", 1)[0]
    text = path.read_text(encoding="utf-8") if path.is_file() else TITLE
    start = text.find(heading + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section.rstrip("\n") + ("\n\n" + text[end + 1:] if end != -1 else "")
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
