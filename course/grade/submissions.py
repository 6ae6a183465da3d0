"""Find the notebooks to grade in any of the three layouts instructors get them in.

* nbgrader's ``submitted/``: ``<student_id>/<assignment>/<notebook>.ipynb`` (what ``nbgrader
  collect`` or the exchange produces);
* a ``.zip`` of that layout (or of a flat folder), unpacked into a private folder first;
* an LMS export, a flat folder of notebooks named after the student: ``<student_id>.ipynb`` or
  ``<student_id>_<anything>.ipynb``. The assignment is read from the notebook itself: its language
  cell and the grade ids of its cells name exactly one lesson.

Every notebook the source lesson has becomes a :class:`Job`; a notebook the student's folder lacks
is a job with ``path=None`` (its rows say ``missing``), and an assignment the course does not have
is a job with ``problem`` set (its row says ``invalid``).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from helper.i18n import message

from .notebook import InvalidNotebook, graded_cells, read_json

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")
MAX_UNZIPPED_BYTES = 2 * 2**30
MAX_ZIP_MEMBERS = 100_000


class SubmissionsError(ValueError):
    """SUBMITTED cannot be read at all; the text says what to pass instead."""


@dataclass(frozen=True)
class Job:
    """One notebook of one student to grade (or to report as missing or invalid)."""

    student_id: str
    assignment: str
    notebook: str
    path: Path | None
    problem: Said | None = None
    """Why it cannot be graded as it is, told in the notebook's language when its row is written."""


@dataclass(frozen=True)
class Said:
    """A catalogue message not yet put into words: the language is known only when the row is made."""

    message_id: str
    fields: tuple = ()

    def __str__(self) -> str:
        return message(self.message_id, **dict(self.fields))


def said(message_id: str, **fields) -> Said:
    return Said(message_id, tuple(fields.items()))


def find_jobs(submitted: Path, source: Path, unpack_to: Path) -> list[Job]:
    """Every notebook to grade under ``submitted`` (a folder or a zip), sorted by student."""
    if not submitted.exists():
        raise SubmissionsError(message("submissions_missing", path=submitted))
    if submitted.is_file():
        if not zipfile.is_zipfile(submitted):
            raise SubmissionsError(message("submissions_not_zip", path=submitted))
        submitted = unzip(submitted, unpack_to)
    lessons = {folder.name: sorted(p.stem for p in folder.glob("*.ipynb")) for folder in source.iterdir() if folder.is_dir()}
    if any((submitted / name).is_dir() for name in lessons):
        raise SubmissionsError(message("submissions_one_student", path=submitted, parent=submitted.parent,
                                       student=submitted.name))
    flat = sorted(submitted.glob("*.ipynb"))
    jobs = flat_jobs(flat, source, lessons) if flat else nbgrader_jobs(submitted, lessons)
    return sorted(jobs, key=lambda job: (job.student_id, job.assignment, job.notebook))


def nbgrader_jobs(submitted: Path, lessons: dict[str, list[str]]) -> list[Job]:
    jobs = []
    for student in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not STUDENT_ID.match(student.name):
            continue
        for folder in sorted(p for p in student.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if folder.name not in lessons:
                jobs.append(Job(student.name, folder.name, "", None,
                                said("invalid_no_assignment", name=folder.name, known=", ".join(sorted(lessons)))))
                continue
            for notebook in lessons[folder.name]:
                path = folder / f"{notebook}.ipynb"
                jobs.append(Job(student.name, folder.name, notebook, path if path.is_file() else None,
                                None if path.is_file() else _misnamed(folder, notebook)))
    if not jobs:
        raise SubmissionsError(message("submissions_none", path=submitted))
    return jobs


def flat_jobs(paths: list[Path], source: Path, lessons: dict[str, list[str]]) -> list[Job]:
    jobs = []
    for path in paths:
        student = path.stem.split("_", 1)[0]
        if not STUDENT_ID.match(student):
            continue
        try:
            assignment, notebook = identify(path, source, lessons)
        except InvalidNotebook as problem:
            jobs.append(Job(student, "", path.stem, path, said("invalid_which_lesson", problem=problem)))
            continue
        jobs.append(Job(student, assignment, notebook, path))
    return jobs


def identify(path: Path, source: Path, lessons: dict[str, list[str]]) -> tuple[str, str]:
    """The lesson a loose notebook belongs to: the one whose grade ids and language it carries."""
    submitted = graded_cells(read_json(path))
    language = re.search(r"set_language\(\s*['\"](\w+)['\"]", submitted.source("language") or "")
    matches = []
    for assignment, notebooks in lessons.items():
        for notebook in notebooks:
            reference = graded_cells(read_json(source / assignment / f"{notebook}.ipynb"))
            same_language = language and assignment.endswith(f"_{language.group(1)}")
            shared = set(reference.cells) & set(submitted.cells) - {"language"}
            if same_language and len(shared) >= max(1, len(reference.cells) // 2):
                matches.append((len(shared), assignment, notebook))
    if not matches:
        raise InvalidNotebook("invalid_no_lesson")
    return max(matches)[1:]


def _misnamed(folder: Path, notebook: str) -> Said:
    others = sorted(p.name for p in folder.iterdir() if p.is_file())
    if others:
        return said("missing_misnamed", notebook=notebook, found=", ".join(others[:5]))
    return said("missing_notebook", notebook=notebook)


def unzip(archive: Path, target: Path) -> Path:
    """Unpack a zip of submissions into ``target``, refusing paths that leave it and zip bombs."""
    with zipfile.ZipFile(archive) as zipped:
        members = zipped.infolist()
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise SubmissionsError(message("submissions_zip_bomb", path=archive, gib=MAX_UNZIPPED_BYTES // 2**30,
                                           files=MAX_ZIP_MEMBERS))
        root = target.resolve()
        for member in members:
            destination = (root / member.filename).resolve()
            if not destination.is_relative_to(root) or member.filename.startswith("/"):
                raise SubmissionsError(message("submissions_zip_escape", path=archive, member=member.filename))
        if root.exists():
            shutil.rmtree(root)
        zipped.extractall(root)
    entries = [p for p in root.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    # A zip of the folder itself ("submitted.zip" holding "submitted/...") unpacks one level deeper.
    if len(entries) == 1 and entries[0].is_dir() and not any(entries[0].glob("*/*.ipynb")) \
            and (any(entries[0].glob("*/*/*.ipynb")) or any(entries[0].glob("*.ipynb"))):
        return entries[0]
    return root
