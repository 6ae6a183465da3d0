"""A progress bar for training loops that looks right in JupyterLab and in a terminal.

``tqdm.auto`` picks a widget bar inside Jupyter and a text bar elsewhere; this thin wrapper
only sets course-wide defaults (resize with the window, keep finished bars visible).
"""

from __future__ import annotations

from tqdm.auto import tqdm


def progress(iterable=None, desc: str | None = None, **kwargs) -> tqdm:
    """``tqdm.auto.tqdm(iterable, desc=desc, **kwargs)`` with ``dynamic_ncols`` and ``leave`` on."""
    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("leave", True)
    return tqdm(iterable, desc=desc, **kwargs)
