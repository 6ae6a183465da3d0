"""The nbgrader exchange on a shared server, and who may read what in it.

Layout (nbgrader's, with ``Exchange.path_includes_course``): ``ROOT/<course>/outbound`` (releases,
readable by all), ``ROOT/<course>/inbound`` (submissions), ``ROOT/<course>/feedback`` (pages
named by a secret hash). The folders are made here with the modes nbgrader's own
``release_assignment`` gives them under ``CourseDirectory.groupshared``, group-owned by the
course's graders (Unix group ``formgrade-<course>``): students may write into ``inbound`` but not
list it, and only the graders' group may list it, so only graders can collect.

Stock nbgrader then leaves each submission folder world-readable (0777; it relies on the folder's
unguessable name). :class:`PrivateSubmit` closes that: after nbgrader's own submit it makes the
folder 0770, so the student and the graders' group (inherited from ``inbound``'s set-group-id bit)
can reach it and no other student can, even one who knows the name.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from nbgrader.exchange.default.submit import ExchangeSubmit

ROOT_MODE = 0o1777 | stat.S_ISGID  # nbgrader checks the low bits are 0777; sticky: no one deletes another's entry
COURSE_MODE = 0o2775
OUTBOUND_MODE = 0o2775
INBOUND_MODE = 0o2773  # students: write and enter, not list; graders' group: list (collect)
FEEDBACK_MODE = 0o2771  # graders' group writes; students enter with the hash of their own submission
SUBMISSION_MODE = 0o770


def grader_group(course_id: str) -> str:
    return f"formgrade-{course_id}"


def student_group(course_id: str) -> str:
    return f"nbgrader-{course_id}"


def prepare_root(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, ROOT_MODE)


def prepare_course(root: Path, course_id: str, owner_uid: int, graders_gid: int) -> Path:
    """``ROOT/<course>`` and its three folders, owned by the instructor and the graders' group."""
    course = root / course_id
    for folder, mode in ((course, COURSE_MODE), (course / "outbound", OUTBOUND_MODE),
                         (course / "inbound", INBOUND_MODE), (course / "feedback", FEEDBACK_MODE)):
        folder.mkdir(exist_ok=True)
        os.chown(folder, owner_uid, graders_gid)
        os.chmod(folder, mode)
    return course


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission folder closed to everyone but its student and the graders."""

    def copy_files(self):
        super().copy_files()
        submission = Path(self.inbound_path) / self.assignment_filename
        os.chmod(submission, SUBMISSION_MODE)
