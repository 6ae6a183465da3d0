"""Seed every random number generator a notebook uses, so reruns give the same numbers.

Weight initialisation, shuffling and dropout all draw random numbers; seeding Python, NumPy
and PyTorch (CPU and every CUDA device) makes a student's results repeatable and comparable
with the expected outputs. (Some CUDA kernels stay nondeterministic; that is fine for learning.)
"""

from __future__ import annotations

import operator
import random

import numpy as np
import torch


def seed_everything(seed: int = 0) -> torch.Generator:
    """Seed ``random``, NumPy and PyTorch with ``seed``; return a ``torch.Generator`` seeded alike.

    Pass the generator to ``DataLoader(..., shuffle=True, generator=g)`` so the shuffling order
    is repeatable too. ``seed`` must be an integer in [0, 2**32) (NumPy's limit).
    """
    seed = operator.index(seed)
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an integer between 0 and 2**32 - 1, got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds every CUDA device (lazily: harmless without a GPU)
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator
