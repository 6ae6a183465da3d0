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
    problem: str = ""


def find_jobs(submitted: Path, source: Path, unpack_to: Path) -> list[Job]:
    """Every notebook to grade under ``submitted`` (a folder or a zip), sorted by student."""
    if not submitted.exists():
        raise SubmissionsError(f"{submitted} does not exist: pass the submitted/ folder, a zip of it, or a folder of notebooks")
    if submitted.is_file():
        if not zipfile.is_zipfile(submitted):
            raise SubmissionsError(f"{submitted} is a file but not a zip archive")
        submitted = unzip(submitted, unpack_to)
    lessons = {folder.name: sorted(p.stem for p in folder.glob("*.ipynb")) for folder in source.iterdir() if folder.is_dir()}
    if any((submitted / name).is_dir() for name in lessons):
        raise SubmissionsError(f"{submitted} holds assignment folders, so it is one student's folder: grade the class "
                               f"folder and name the student: python -m course grade {submitted.parent} "
                               f"--student {submitted.name}")
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
                                f"the course has no assignment {folder.name!r} (known: {', '.join(sorted(lessons))})"))
                continue
            for notebook in lessons[folder.name]:
                path = folder / f"{notebook}.ipynb"
                jobs.append(Job(student.name, folder.name, notebook, path if path.is_file() else None,
                                "" if path.is_file() else _misnamed(folder, notebook)))
    if not jobs:
        raise SubmissionsError(f"no submissions in {submitted}: expected <student_id>/<assignment>/<notebook>.ipynb "
                               "or a flat folder of <student_id>.ipynb files")
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
            jobs.append(Job(student, "", path.stem, path, f"cannot tell which lesson this is: {problem}"))
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
        raise InvalidNotebook("its cells match no lesson of this course")
    return max(matches)[1:]


def _misnamed(folder: Path, notebook: str) -> str:
    others = sorted(p.name for p in folder.iterdir() if p.is_file())
    found = f"; found {', '.join(others[:5])}" if others else ""
    return f"no {notebook}.ipynb in the submission{found}: submit the notebook under its released name"


def unzip(archive: Path, target: Path) -> Path:
    """Unpack a zip of submissions into ``target``, refusing paths that leave it and zip bombs."""
    with zipfile.ZipFile(archive) as zipped:
        members = zipped.infolist()
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise SubmissionsError(f"{archive} unpacks to more than {MAX_UNZIPPED_BYTES // 2**30} GiB or "
                                   f"{MAX_ZIP_MEMBERS} files; unpack it yourself and pass the folder")
        root = target.resolve()
        for member in members:
            destination = (root / member.filename).resolve()
            if not destination.is_relative_to(root) or member.filename.startswith("/"):
                raise SubmissionsError(f"{archive} contains {member.filename!r}, a path outside the archive")
        if root.exists():
            shutil.rmtree(root)
        zipped.extractall(root)
    entries = [p for p in root.iterdir() if not p.name.startswith(("__MACOSX", "."))]
    # A zip of the folder itself ("submitted.zip" holding "submitted/...") unpacks one level deeper.
    if len(entries) == 1 and entries[0].is_dir() and not any(entries[0].glob("*/*.ipynb")) \
            and (any(entries[0].glob("*/*/*.ipynb")) or any(entries[0].glob("*.ipynb"))):
        return entries[0]
    return root
