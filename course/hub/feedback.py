"""Hand ``course grade``'s feedback pages to nbgrader's ``release_feedback``.

``nbgrader release_feedback`` releases ``feedback/<student>/<assignment>/<notebook>.html`` from
the course directory and names each page in the exchange by a hash of the submission's secret,
so it needs ``timestamp.txt`` and ``submission_secret.txt`` beside the page; nbgrader's own
``generate_feedback`` copies them from the collected submission. ``course grade`` writes only the
pages, so this copies the pages into that layout with the two files from ``submitted/``; then the
stock ``nbgrader release_feedback`` (or Formgrader's button) releases them and each student
fetches their own, in the language of the assignment they submitted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")


def stage(graded: Path, course: Path) -> tuple[list[Path], list[str]]:
    """Copy ``graded/feedback/*/*/*.html`` into ``course/feedback/``; returns (pages staged, problems)."""
    staged, problems = [], []
    for page in sorted(graded.glob("feedback/*/*/*.html")):
        student, assignment = page.parent.parent.name, page.parent.name
        submitted = course / "submitted" / student / assignment
        missing = [name for name in SUBMISSION_FILES if not (submitted / name).is_file()]
        if missing:
            problems.append(f"{student}/{assignment}: {', '.join(missing)} missing in {submitted}: "
                            "collect the submission with `nbgrader collect` first")
            continue
        target = course / "feedback" / student / assignment
        target.mkdir(parents=True, exist_ok=True)
        for name in SUBMISSION_FILES:
            shutil.copyfile(submitted / name, target / name)
        shutil.copyfile(page, target / page.name)
        staged.append(target / page.name)
    return staged, problems
