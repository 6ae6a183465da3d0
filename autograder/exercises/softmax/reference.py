"""The reference (grader only): torch's own softmax, which the student may not call."""

from __future__ import annotations

import torch


def expected(inputs: dict) -> torch.Tensor:
    return torch.softmax(inputs["x"], dim=1)
