"""The reference (grader only): the case's run without interruption.

The state at the checkpoint (parameters, BatchNorm buffers, optimizer state per parameter), the state
after the further steps, the parameters of the decoy run the probe saves to another file and of the
fresh model before anything is loaded (so that the judge can name a checkpoint read from elsewhere, or
not read at all), and the epoch to resume from: ``epoch + 1``.
"""

from __future__ import annotations

from autograder.exercises.checkpoint.probe import build, state, train_steps


def expected(spec: dict) -> dict:
    model, optimizer = build(spec, "first")
    train_steps(model, optimizer, spec, 0, spec["steps_before"])
    saved = state(model, optimizer)
    train_steps(model, optimizer, spec, spec["steps_before"], spec["steps_after"])
    decoy, decoy_optimizer = build(spec, "other")
    fresh = state(decoy, decoy_optimizer)["parameters"]
    train_steps(decoy, decoy_optimizer, spec, 0, 1)
    return {"saved": saved, "final": state(model, optimizer), "decoy": state(decoy, decoy_optimizer)["parameters"],
            "fresh": fresh, "start": spec["epoch"] + 1}
