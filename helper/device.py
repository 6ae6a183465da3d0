"""Pick where tensors live: the accelerator when there is one, otherwise the CPU.

Students call ``device = helper.device()`` once at the top of a notebook and then move the
model and every batch with ``.to(device)``; the same notebook then runs on a laptop's CPU, an
NVIDIA (CUDA) or AMD (ROCm) GPU, an Apple GPU (MPS) or an Intel GPU (XPU) without edits.
"""

from __future__ import annotations

import torch


def device() -> torch.device:
    """The current accelerator (``cuda``, ``mps``, ``xpu``...) when one is available, else the CPU.

    ``torch.accelerator`` (PyTorch 2.6 and later) knows every kind of accelerator the installed
    torch was built for; an older torch falls back on CUDA alone.
    """
    accelerator = getattr(torch, "accelerator", None)
    if accelerator is not None and hasattr(accelerator, "current_accelerator"):
        if accelerator.is_available():
            found = accelerator.current_accelerator()
            if found is not None:
                return torch.device(found.type)
        return torch.device("cpu")
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
