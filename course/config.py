"""The course file, ``course.toml`` at the course root: due dates per lesson and the late policy.

One file an instructor edits once a term; ``course grade`` and ``course export`` read it. Missing
file or sections mean: no due dates, no penalty. A problem in it is a :class:`ConfigError` whose
text names the key and says what to write instead. See :mod:`course.late` for how it is applied.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .paths import REPO

CONFIG = REPO / "course.toml"


class ConfigError(ValueError):
    """course.toml cannot be used; the text says what to fix."""


@dataclass(frozen=True)
class LatePolicy:
    """Late work loses ``per_day`` of its score per started day after the due date (and the grace
    period), never more than ``max_penalty`` in all. The default takes nothing."""

    per_day: float = 0.0
    max_penalty: float = 1.0
    grace_minutes: float = 0.0


@dataclass(frozen=True)
class CourseConfig:
    due: dict[str, datetime] = field(default_factory=dict)  # lesson (01_softmax) → due date, aware, UTC
    late: LatePolicy = LatePolicy()
    language: str | None = None  # the instructor's language (report.html); None: the notebooks' language


def load(path: Path = CONFIG) -> CourseConfig:
    """The course file at ``path`` (none there: no due dates, no penalty)."""
    if not path.is_file():
        return CourseConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML ({error})") from None
    unknown = set(raw) - {"due", "late", "language"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {sorted(unknown)}; it may hold language, [due] and [late]")
    language = raw.get("language")
    if language is not None and language not in ("en", "zh"):
        raise ConfigError(f"{path}: language must be \"en\" or \"zh\" (got {language!r})")
    due = {}
    for lesson, when in raw.get("due", {}).items():
        if isinstance(when, datetime) and when.tzinfo is not None:
            due[lesson] = when.astimezone(timezone.utc)
        else:
            raise ConfigError(f"{path}: due date of {lesson!r} must be a date and time with its UTC offset, "
                              f"e.g. {lesson} = 2026-09-14T23:59:00+08:00 (got {when!r})")
    late = raw.get("late", {})
    names = {"per_day", "max_penalty", "grace_minutes"}
    if set(late) - names:
        raise ConfigError(f"{path}: unknown key(s) {sorted(set(late) - names)} in [late]; known: {sorted(names)}")
    for name, value in late.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 \
                or (name != "grace_minutes" and value > 1):
            bound = "a number of minutes ≥ 0" if name == "grace_minutes" else "a fraction between 0 and 1 (0.1 = 10 %)"
            raise ConfigError(f"{path}: [late] {name} must be {bound} (got {value!r})")
    return CourseConfig(due, LatePolicy(**{k: float(v) for k, v in late.items()}), language)
