"""One nbgrader course directory per course on the hub, shared by its graders.

``STATE/courses/<course>/`` holds what ``nbgrader`` and ``course grade`` work on: a copy of the
repo's ``source/`` and ``release/``, the gradebook with the roster's students, and an
``nbgrader_config.py`` that is the repo's plus the hub's settings (this course's id, the shared
exchange). It belongs to the instructor and to the Unix group ``formgrade-<course>`` (every grader
and the instructor), mode 2770: students cannot read it, so they cannot read the gradebook.
Graders' Labs are served from it, because Formgrader only works on a course directory inside
the Lab's root folder.
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

from ..paths import REPO
from .roster import Member

CONFIG_HEADER = "\n# --- added by `python -m course hub`: this course on the shared hub ---\n"


def course_dir(state: Path, course_id: str) -> Path:
    return state / "courses" / course_id


def config_text(course_id: str, exchange_root: Path) -> str:
    """The repo's nbgrader config, then this course's id and the hub's exchange."""
    return ((REPO / "nbgrader_config.py").read_text(encoding="utf-8") + CONFIG_HEADER
            + f"c.CourseDirectory.course_id = {course_id!r}\n"
            + f"c.Exchange.root = {str(exchange_root)!r}\n"
            + "c.Exchange.path_includes_course = True\n"
            + "c.CourseDirectory.groupshared = True  # every grader of the course shares this folder\n")


def prepare(state: Path, course_id: str, exchange_root: Path, members: list[Member],
            owner: tuple[int, int]) -> Path:
    """Create or update the course directory; existing work (submitted/, gradebook grades) is kept."""
    folder = course_dir(state, course_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(config_text(course_id, exchange_root), encoding="utf-8")
    for name in ("source", "release"):
        if not (folder / name).exists():
            shutil.copytree(REPO / name, folder / name)
    add_students(folder / "gradebook.db", course_id, [m for m in members if m.role == "student"])
    share(folder, *owner)
    return folder


def add_students(db_path: Path, course_id: str, students: list[Member]) -> None:
    """The roster's students in nbgrader's gradebook (names updated, nothing removed)."""
    from nbgrader.api import Gradebook

    with warnings.catch_warnings(), Gradebook(f"sqlite:///{db_path}", course_id=course_id) as gradebook:
        warnings.simplefilter("ignore")
        for student in students:
            first, last = student.name_parts()
            gradebook.update_or_create_student(student.student_id, first_name=first, last_name=last)


def share(folder: Path, uid: int, gid: int) -> None:
    """Owner ``uid``, group ``gid``; folders 2770 and files 0660 (group-writable, closed to others)."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        os.chown(path, uid, gid)
        os.chmod(path, 0o2770 if path.is_dir() else 0o660)
