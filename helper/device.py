"""Pick where tensors live: the GPU when there is one, otherwise the CPU.

Students call ``device = helper.device()`` once at the top of a notebook and then move the
model and every batch with ``.to(device)``; the same notebook then runs on a laptop and on a
CUDA machine without edits.
"""

from __future__ import annotations

import torch


def device() -> torch.device:
    """``torch.device("cuda")`` when CUDA is available, else ``torch.device("cpu")``."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
