"""A pause point for tests: interrupt a grader or a worker at a known step instead of guessing with timers.

When the environment variable names a FIFO, the process writes one line there (what it just did) and
waits until the test opens ``<fifo>.go``. Without the variable nothing happens.
"""

from __future__ import annotations

import os


def pause_at(variable: str, line: str) -> None:
    """Announce ``line`` on the FIFO that ``$variable`` names, then wait for ``<fifo>.go`` to be opened."""
    fifo = os.environ.get(variable)
    if fifo:
        with open(fifo, "w", encoding="utf-8") as announce:
            announce.write(line + "\n")
        with open(fifo + ".go", encoding="utf-8") as go:
            go.read()
