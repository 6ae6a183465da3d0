"""The class list a hub is built from: ``roster.csv`` with exactly ``student_id,name,role``.

A roster is the one place a teacher names people, so every mistake in it is reported with its
line number and what to write instead, before any account is made. ``student_id`` becomes the
Unix account, the JupyterHub user and the nbgrader student id at once, so it must be valid as all
three: lower-case letters, digits, ``_`` and ``-``, starting with a letter, at most 32 characters.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ["student_id", "name", "role"]
ROLES = ("student", "grader", "instructor")
USER_ID = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class RosterError(ValueError):
    """The roster cannot be used; the text names the file, the line and the fix."""


@dataclass(frozen=True)
class Member:
    student_id: str
    name: str
    role: str

    @property
    def grades(self) -> bool:
        """Graders and instructors get Formgrader and the course directory."""
        return self.role in ("grader", "instructor")

    def name_parts(self) -> tuple[str, str]:
        """(first, last) for nbgrader's gradebook; a name without a space is kept whole as the first name."""
        first, _, last = self.name.strip().partition(" ")
        return first, last.strip()


def read_roster(path: Path) -> list[Member]:
    """Every member of ``path``, in file order; :class:`RosterError` on the first problem found."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a BOM from spreadsheet exports is fine
    except OSError as error:
        raise RosterError(f"cannot read the roster {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path} is not UTF-8 text: save the roster as CSV UTF-8") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or [cell.strip() for cell in rows[0]] != COLUMNS:
        found = ",".join(rows[0]) if rows else "an empty file"
        raise RosterError(f"{path}, line 1: the header must be exactly {','.join(COLUMNS)} (found {found})")
    members, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}, line {number}"
        if len(row) != len(COLUMNS):
            raise RosterError(f"{where}: expected 3 values (student_id,name,role), found {len(row)}; "
                              "quote a name that contains a comma")
        student_id, name, role = (cell.strip() for cell in row)
        if not USER_ID.match(student_id):
            raise RosterError(f"{where}: student_id {student_id!r} cannot be a login name: use lower-case "
                              "letters, digits, '_' or '-', starting with a letter, at most 32 characters")
        if not name:
            raise RosterError(f"{where}: the name of {student_id} is empty")
        if role not in ROLES:
            raise RosterError(f"{where}: role {role!r} of {student_id} must be one of {', '.join(ROLES)}")
        if student_id in seen:
            raise RosterError(f"{where}: {student_id} is already on line {seen[student_id]}")
        seen[student_id] = number
        members.append(Member(student_id, name, role))
    if not any(member.role == "instructor" for member in members):
        raise RosterError(f"{path}: no one has the role instructor; a course needs one to release and grade")
    return members
