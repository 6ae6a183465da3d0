"""Judge the graded run: a fresh, untrained module that outputs logits, trained by ``fit`` within the
time limit, reaching the target accuracy on the test images.

On the way it refuses what would make the number meaningless: build_model returning one global model
(or layers shared between calls), weights trained before fit (the untrained model already scores well
above chance) or copied from another model of the notebook during fit, a fit that never updates the
parameters, lets gradients pile up, ignores ``epochs`` or cuts an epoch short, a model that predicts
one class for everything. A model that falls short of the target is told the likely cause when a
known mistake shows (a network without any activation is one linear map; plain SGD with a small
learning rate barely moves in two epochs).

For the visible check it also returns notes: the time and accuracy it measured, and, marked
unverified, what it cannot settle on this machine (a time over the stated budget, which the grader
measures on its own machine; an accuracy within the margin above the target).
"""

from __future__ import annotations

import torch

from autograder.exercise import Case
from autograder.judging import expect_answered, one_line, type_name
from autograder.probing import FAILED
from autograder.verdict import CheckFailed, Note, fail

from .cases import rules

LINEAR_LAYERS = {"Flatten", "Unflatten", "Linear", "Dropout", "Identity"}
"""Layers that keep a network linear: a Sequential of only these is one linear map."""
SLOW_SGD_LR = 0.02
"""Plain SGD (no momentum) below this learning rate moves too little in two epochs."""


def judge(case: Case, observed: dict, expected: dict) -> list[Note]:
    r = rules()
    labels = expected["labels"].long()
    expect_fresh_module(observed)
    expect_logits(observed.get("logits"))
    if case.name == "on_gpu":
        return judge_on_gpu(case, observed, labels)

    untrained = accuracy(predictions(observed.get("untrained"), labels, "untrained"), labels)
    if untrained > r["chance_max"]:
        fail("fashion_classifier.pretrained", accuracy=f"{untrained:.1%}")
    if observed.get("fit_failure") is not None:  # what the guard stopped, or fit raised, in the probe's words
        expect_answered({FAILED: observed["fit_failure"]})
        raise CheckFailed(one_line(observed["fit_failure"]))

    expect_trained(observed, r["epochs"])
    seconds = observed.get("seconds")
    if type(seconds) not in (int, float) or not 0 <= seconds < float("inf"):
        shown = repr(seconds) if type(seconds) in (int, float) else type_name(seconds)
        fail("fashion_classifier.bad_seconds", value=one_line(shown, 80))
    if seconds > r["limit_s"]:
        fail("fashion_classifier.too_slow", seconds=f"{seconds:.1f}", epochs=r["epochs"], limit=r["limit_s"],
             budget=r["budget_s"], slack=r["slack"])
    copied = observed.get("copied")
    if copied is not None:
        fail("fashion_classifier.copied", name=one_line(copied, 80))

    trained = predictions(observed.get("predictions"), labels, "trained")
    if (trained == trained[0]).all():
        fail("fashion_classifier.constant", label=int(trained[0]), n=f"{len(trained):,}")
    reached = accuracy(trained, labels)
    if reached < r["target"]:
        explain_low_accuracy(observed, reached, r)

    notes = [Note("fashion_classifier.measured", dict(epochs=r["epochs"], n=f"{len(case.inputs['train_images']):,}",
                                                      seconds=f"{seconds:.1f}", accuracy=f"{reached:.2%}",
                                                      target=f"{r['target']:.0%}"))]
    if seconds > r["budget_s"]:
        notes.append(Note("fashion_classifier.over_budget_here", dict(seconds=f"{seconds:.1f}", budget=r["budget_s"],
                                                                      limit=r["limit_s"]), unverified=True))
    if reached < r["target"] + r["margin"]:
        notes.append(Note("fashion_classifier.near_target", dict(accuracy=f"{reached:.2%}",
                                                                 target=f"{r['target']:.0%}",
                                                                 margin=f"{100 * r['margin']:.1f}"),
                          unverified=True))
    return notes


def judge_on_gpu(case: Case, observed: dict, labels: torch.Tensor) -> list[Note]:
    """The short run on the GPU: it trains there and predicts there; a device mix has already failed in the probe."""
    if observed.get("fit_failure") is not None:
        expect_answered({FAILED: observed["fit_failure"]})
        raise CheckFailed(one_line(observed["fit_failure"]))
    expect_trained(observed, case.inputs["epochs"])
    predictions(observed.get("predictions"), labels, "trained")
    return []


def expect_fresh_module(observed: dict) -> None:
    """build_model() gave an nn.Module, and a second call a new one with parameters of its own."""
    if observed.get("is_module") is not True:
        kind = observed.get("kind")
        fail("fashion_classifier.not_module", kind=kind if type(kind) is str else "object")
    if observed.get("same_instance") is not False:
        fail("fashion_classifier.same_instance")
    if observed.get("shares_parameters") is not False:
        fail("fashion_classifier.shared_parameters")


def expect_logits(out) -> None:
    """model(x) for a few test images is an (N, 10) float tensor of logits, not probabilities."""
    from .probe import LOGIT_ROWS

    what = _say("output", shape=(LOGIT_ROWS, 1, 28, 28))
    if type(out) is not torch.Tensor:
        fail("fashion_classifier.not_tensor", what=what, kind=type_name(out))
    if tuple(out.shape) != (LOGIT_ROWS, 10):
        fail("fashion_classifier.shape", what=what, actual=tuple(out.shape), expected=(LOGIT_ROWS, 10))
    if not out.is_floating_point():
        fail("fashion_classifier.dtype", what=what, actual=out.dtype)
    rows = out.detach().double()
    if (rows >= 0).all() and (rows <= 1).all() and torch.allclose(rows.sum(dim=1), torch.ones(len(rows),
                                                                                              dtype=torch.float64,
                                                                                              device=rows.device),
                                                                  atol=1e-3):
        fail("fashion_classifier.probabilities")


def expect_trained(observed: dict, epochs: int) -> None:
    """fit went over the loader once per epoch, changed the parameters, and zeroed the gradients."""
    passes = observed.get("passes")
    if type(passes) is not int or passes < epochs:
        fail("fashion_classifier.few_passes", passes=passes, epochs=epochs)
    if observed.get("changed") is not True:
        fail("fashion_classifier.no_update", steps=observed.get("steps"))
    backward, leftover = observed.get("backward"), observed.get("leftover")
    if type(backward) is int and type(leftover) is int and backward >= 3 and leftover >= 0.9 * (backward - 1):
        fail("fashion_classifier.no_zero_grad", count=leftover, backward=backward)


def explain_low_accuracy(observed: dict, reached: float, r: dict) -> None:
    """Fail below the target, with the likely cause when a known mistake shows."""
    fields = dict(epochs=r["epochs"], accuracy=f"{reached:.2%}", target=f"{r['target']:.0%}")
    layers = observed.get("layers")
    if observed.get("sequential") is True and type(layers) is list and "Linear" in layers \
            and set(layers) <= LINEAR_LAYERS:
        fail("fashion_classifier.linear_model", **fields)
    optimizers = observed.get("optimizers")
    if type(optimizers) is list and optimizers and all(
            type(o) is dict and o.get("type") == "SGD" and o.get("momentum") == 0.0
            and type(o.get("lr_max")) is float and o["lr_max"] < SLOW_SGD_LR for o in optimizers):
        fail("fashion_classifier.slow_sgd", lr=f"{max(o['lr_max'] for o in optimizers):g}", **fields)
    fail("fashion_classifier.low_accuracy", **fields)


def predictions(actual, labels: torch.Tensor, state: str) -> torch.Tensor:
    """The reported predictions: exactly an int64 tensor with one class per test image."""
    what = _say("predictions", state=_say(state))
    if type(actual) is not torch.Tensor:
        fail("not_tensor", what=what, kind=type_name(actual))
    if tuple(actual.shape) != tuple(labels.shape):
        fail("wrong_shape", what=what, actual=tuple(actual.shape), expected=tuple(labels.shape))
    if actual.dtype != torch.int64:
        fail("wrong_dtype", what=what, actual=actual.dtype, expected=torch.int64)
    return actual.detach().cpu()


def accuracy(predicted: torch.Tensor, labels: torch.Tensor) -> float:
    return (predicted == labels.cpu()).float().mean().item()


def _say(key: str, **fields) -> str:
    from helper.i18n import message

    return message(f"fashion_classifier.{key}", **fields)
