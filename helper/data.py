"""Where the data sets live, so notebooks can write ``MNIST(helper.data_root())``.

``python -m course data`` fills this folder; the notebooks only read it (``download=False``), so a
lesson never reaches for the network in the middle of a class.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ROOT_VARIABLE = "COURSE_DATA_ROOT"
"""Environment variable that moves the data folder (for example to a shared disk)."""

REPO_ROOT = Path(__file__).resolve().parent.parent


def configured_data_root() -> Path:
    """The folder for the data sets: ``$COURSE_DATA_ROOT`` or ``<repo>/data`` (may not exist yet)."""
    configured = os.environ.get(DATA_ROOT_VARIABLE)
    return Path(configured).expanduser().resolve() if configured else REPO_ROOT / "data"


def data_root() -> Path:
    """The prepared data folder, or an error that says how to prepare it.

    torchvision's own message for a missing data set suggests ``download=True``, which fails
    offline; this one names the course command that works in both cases.
    """
    root = configured_data_root()
    if not any((root / name / "raw").is_dir() for name in ("MNIST", "FashionMNIST")):
        raise FileNotFoundError(
            f"No data sets in {root}. Prepare them once with `python -m course data` "
            f"(add `--mirror PATH` when offline), or point {DATA_ROOT_VARIABLE} at a prepared folder."
        )
    return root
