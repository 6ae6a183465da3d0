"""The reference (grader only): the accuracy of the spec's model over its loader, and the usual wrong ones.

``expected(spec)`` gives the fraction of right predictions over all samples, and what the usual
mistakes return instead (the last batch's accuracy, the plain mean of the batch accuracies, the
accuracy on inputs never moved to the device, which the watched loader holds negated), so that the
judge can name them.
"""

from __future__ import annotations

import torch

from autograder.spies import spec_model


def outputs(spec: dict, negated: bool = False) -> torch.Tensor:
    """The spec's model's outputs in eval mode, batch by batch as the loader hands them out (on the CPU)."""
    device = torch.device(spec["device"])
    model = spec_model(spec).eval()
    inputs, batch_size = spec["inputs"], int(spec["batch_size"])
    found = []
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            x = inputs[start:start + batch_size].to(device)
            found.append(model(-x if negated else x).cpu())
    return torch.cat(found)


def right_per_batch(spec: dict, negated: bool = False) -> tuple[list[int], list[int]]:
    """How many predictions are right in each batch, and each batch's size."""
    right = outputs(spec, negated).argmax(dim=1) == spec["labels"]
    batch_size = int(spec["batch_size"])
    chunks = [right[i:i + batch_size] for i in range(0, len(right), batch_size)]
    return [int(c.sum()) for c in chunks], [len(c) for c in chunks]


def expected(spec: dict) -> dict:
    correct, sizes = right_per_batch(spec)
    unmoved, _ = right_per_batch(spec, negated=True)
    return {"accuracy": sum(correct) / sum(sizes), "correct": sum(correct), "total": sum(sizes),
            "batches": len(sizes), "last_size": sizes[-1],
            "mistakes": {"last_batch": correct[-1] / sizes[-1],
                         "unweighted": sum(c / s for c, s in zip(correct, sizes)) / len(sizes),
                         "not_moved": sum(unmoved) / sum(sizes)}}
