"""The reference (grader only): what a DataLoader over TensorDataset(X, y) hands out for these inputs.

Its length, the size of every batch in an epoch, the stored order of the samples (kept without shuffling), and the
lengths two known mistakes give (the last partial batch dropped; batch_size left at its default, 1).
"""

from __future__ import annotations


def expected(inputs: dict) -> dict:
    n, batch_size = len(inputs["X"]), inputs["batch_size"]
    full, rest = divmod(n, batch_size)
    sizes = [batch_size] * full + ([rest] if rest else [])
    mistakes = {}
    if rest:
        mistakes["len_drop_last"] = full
    if batch_size > 1:
        mistakes["len_batch_size"] = n
    return {"len": len(sizes), "sizes": sizes, "order": list(range(n)),
            "mistakes": mistakes}
