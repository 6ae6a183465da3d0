"""The reference (grader only): the exact count, its parts for the messages, and what known mistakes give."""

from __future__ import annotations

import math


def expected(inputs: dict) -> dict:
    n, b, epochs = inputs["n_samples"], inputs["batch_size"], inputs["epochs"]
    full, rest = divmod(n, b)
    per_epoch = full + (rest > 0)  # ⌈n / b⌉ in integers
    return {
        "right": per_epoch * epochs, "per_epoch": per_epoch, "full": full, "rest": rest,
        "mistakes": {
            "floor": full * epochs,  # the last, partial batch forgotten
            "no_epochs": sorted({per_epoch, full, full + 1}),  # one epoch's steps
            "extra_batch": (full + 1) * epochs,  # n // b + 1, one too many when b divides n
            "one_stream": -(-n * epochs // b),  # all epochs' samples batched as one stream
            "float_division": sorted({math.ceil(n / b) * epochs, int((n + b - 1) / b) * epochs}),
        },
    }
