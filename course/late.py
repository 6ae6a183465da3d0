"""Late work: how many started days a submission was late, and the share of its score that costs.

The submission time is the exchange's (``timestamp.txt``, which ``nbgrader submit`` writes and
``nbgrader collect`` keeps; the gradebook stores it as the submission's timestamp). Both the raw
and the final score are kept in every export, so a policy can be changed and re-applied later.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .config import LatePolicy

DAY = timedelta(days=1)


@dataclass(frozen=True)
class Lateness:
    late_days: int  # started days after the due date and the grace period; 0 when on time
    penalty: float  # share of the score taken, 0 … max_penalty

    def final(self, score: float) -> float:
        return round(score * (1 - self.penalty), 4)


ON_TIME = Lateness(0, 0.0)


def assess(submitted_at: datetime | None, due: datetime | None, policy: LatePolicy) -> Lateness:
    """The lateness of a submission at ``submitted_at`` for a lesson due at ``due`` (either None: on time)."""
    if submitted_at is None or due is None:
        return ON_TIME
    if submitted_at.tzinfo is None:  # nbgrader's gradebook keeps UTC without the zone
        submitted_at = submitted_at.replace(tzinfo=timezone.utc)
    over = submitted_at - due - timedelta(minutes=policy.grace_minutes)
    if over <= timedelta(0):
        return ON_TIME
    days = math.ceil(over / DAY)
    return Lateness(days, round(min(policy.max_penalty, policy.per_day * days), 6))
