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


def load_tensors(name: str = "MNIST", train: bool = True, device=None):
    """A whole data set as two tensors held in memory: images and labels.

    Images come back as float32 of shape (N, 1, 28, 28) scaled to [0, 1], labels as int64 (N,).
    torchvision already holds the decoded pixels (``dataset.data``), so this converts them once
    instead of building a PIL image and a tensor for every sample in every epoch: on a CPU,
    training from these tensors (``helper.tensor_loader``) is about ten times faster than through
    ``transforms.ToTensor()``. On a GPU, pass ``device`` so the data sit next to the model and no
    batch is copied at all.
    """
    import torchvision.datasets

    if name not in ("MNIST", "FashionMNIST"):
        raise ValueError(f"unknown data set {name!r}: choose 'MNIST' or 'FashionMNIST'")
    dataset = getattr(torchvision.datasets, name)(str(data_root()), train=train, download=False)
    images = dataset.data.unsqueeze(1).float().div_(255)
    return images.to(device), dataset.targets.to(device)
