"""Hidden tests for ``build_model()`` and ``fit(model, train_loader, epochs)``: a FashionMNIST classifier.

The honest test of a classifier: seed, build a fresh model, check that it is untrained (about chance
on the test set), train it with the student's ``fit`` on all 60,000 normalised training images for
``FIT_EPOCHS`` epochs while keeping the clock, then measure the accuracy on the 10,000 test images
ourselves. The probe (:mod:`autograder.probes.fashion_classifier`) does the building and training
where the answer runs; it gets the training set and the test *images* only, and reports its
predictions on the test images before and after ``fit`` and the seconds ``fit`` took. The judge here
holds the test labels and computes both accuracies itself. It passes when the accuracy reaches
``TARGET`` and the training took at most ``LIMIT_S`` seconds (the notebook's budget times a margin for
slower machines), timed on one CPU thread so that the budget means the same on any machine and does
not depend on what else the machine is running.

That clock runs in the answer's process, which can stop it. ``course grade`` therefore also has the
kernel count the CPU time of the whole run (:mod:`course.grade.reaper`) and caps it at
``CPU_LIMIT_S`` per case: the budget plus ``PROBE_CPU_S`` for what the probe does besides ``fit``
(``course.grade.judge.cpu_limit_of`` reads it from here). In-process runs (the notebook, stock
nbgrader) have only the clock.

On the way it refuses what would make the number meaningless: a model that is not an nn.Module or
does not output (N, 10) logits, one global model returned by every call of build_model, weights
trained elsewhere (before fit, or copied from another model of the notebook during fit), a fit that
never updates the parameters or lets gradients pile up, ignores ``epochs`` or trains on other data
than the loader it is given, or a model that predicts one class for everything. A run that is
clearly going to blow the time limit is stopped early, so the test itself stays short.
"""

from __future__ import annotations

import torch

from helper.checks.core import CheckFailed, type_name
from helper.checks.fashion_classifier import (BUDGET_S, CHANCE_MAX, CPU_LIMIT_S, FIT_BATCH_SIZE, FIT_EPOCHS,
                                              LIMIT_S, PROJECTION_FACTOR, SLACK, TARGET, normalise)
from helper.i18n import message

from . import one_line, run_in_process

LESSON = "09_fashion_mnist"
ANSWER_CELL = "fashion_classifier"
DEFINES = ("build_model", "fit")
CONTEXT = """\
import time

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from torchvision import datasets, transforms

import helper
"""

SEED = 0

_data: dict[str, tuple] = {}

last_run: dict[str, dict] = {}
"""Per device, what the latest graded run measured (accuracy before and after, seconds): for reports."""


def fashion_mnist() -> tuple:
    """Training images (uint8), training labels, test images (uint8), test labels, and the training set's
    mean and std of the [0, 1] pixels (0-dim float32 tensors), all on the CPU.

    Loaded once and kept: the notebook and the test suite call the hidden tests repeatedly. The bytes
    are exactly ``helper.load_tensors``'s pixels × 255, so ``normalise`` gives back its floats.
    """
    if "bytes" not in _data:
        import helper

        train_images, train_labels = helper.load_tensors("FashionMNIST", train=True)
        test_images, test_labels = helper.load_tensors("FashionMNIST", train=False)
        mean, std = train_images.mean(), train_images.std()
        _data["bytes"] = (_as_bytes(train_images), train_labels, _as_bytes(test_images), test_labels, mean, std)
    return _data["bytes"]


def _as_bytes(images: torch.Tensor) -> torch.Tensor:
    return images.mul(255).round_().to(torch.uint8)


def normalised_data(device: str):
    """FashionMNIST train and test tensors on ``device``, normalised with the training set's mean and std."""
    if device not in _data:
        train_images, train_labels, test_images, test_labels, mean, std = fashion_mnist()
        _data[device] = tuple(t.to(device) for t in (normalise(train_images, mean, std), train_labels,
                                                      normalise(test_images, mean, std), test_labels))
    return _data[device]


def cases(device: str):
    """One case per device: the whole training set and the test images (not their labels), and the run's spec."""
    train_images, train_labels, test_images, _test_labels, mean, std = fashion_mnist()
    yield f"build_model() and fit(model, train_loader, {FIT_EPOCHS}) on FashionMNIST, {device}", {
        "device": device, "train_images": train_images, "train_labels": train_labels, "test_images": test_images,
        "mean": mean, "std": std, "seed": SEED, "epochs": FIT_EPOCHS, "batch_size": FIT_BATCH_SIZE,
        "limit_s": LIMIT_S, "project_over_s": PROJECTION_FACTOR * LIMIT_S}


def _predictions(outputs: dict, key: str, state: str) -> torch.Tensor:
    """The reported predictions: exactly an int64 tensor with one class per test image, on the CPU."""
    what = message("fashion_classifier_predictions", state=message(state))
    actual, n = outputs.get(key), len(fashion_mnist()[3])
    if type(actual) is not torch.Tensor:
        raise CheckFailed(message("not_tensor", what=what, kind=type_name(actual)))
    if tuple(actual.shape) != (n,):
        raise CheckFailed(message("wrong_shape", what=what, actual=tuple(actual.shape), expected=(n,)))
    if actual.dtype != torch.int64:
        raise CheckFailed(message("wrong_dtype", what=what, actual=actual.dtype, expected=torch.int64))
    return actual.detach().cpu()


def _accuracy(predictions: torch.Tensor) -> float:
    return (predictions == fashion_mnist()[3]).float().mean().item()


def judge(case: str, inputs: dict, outputs: dict) -> None:
    """Score the reported predictions against the test labels; enforce chance before, time, and the target."""
    untrained = _accuracy(_predictions(outputs, "untrained", "fashion_classifier_untrained"))
    if untrained > CHANCE_MAX:
        raise CheckFailed(message("fashion_classifier_pretrained", accuracy=untrained))
    failed = outputs.get("fit_failed")
    if failed is not None:  # what the guard stopped or refused during fit, in the probe's words
        raise CheckFailed(one_line(failed, 1000))

    seconds = outputs.get("seconds")
    if type(seconds) not in (int, float) or not 0 <= seconds < float("inf"):
        shown = repr(seconds) if type(seconds) in (int, float) else type_name(seconds)
        raise CheckFailed(message("fashion_classifier_bad_seconds", value=one_line(shown, 80)))
    if seconds > LIMIT_S:
        raise CheckFailed(message("fashion_classifier_too_slow", seconds=seconds, epochs=FIT_EPOCHS,
                                  limit=LIMIT_S, budget=BUDGET_S, slack=SLACK))
    copied = outputs.get("copied")
    if copied is not None:
        raise CheckFailed(message("fashion_classifier_copied", name=one_line(copied, 80)))

    predictions = _predictions(outputs, "predictions", "fashion_classifier_trained")
    if (predictions == predictions[0]).all():
        raise CheckFailed(message("fashion_classifier_constant", label=int(predictions[0]), n=len(predictions)))
    accuracy = _accuracy(predictions)
    last_run[inputs["device"]] = {"untrained": untrained, "seconds": seconds, "accuracy": accuracy}
    if accuracy < TARGET:
        raise CheckFailed(message("fashion_classifier_low_accuracy", epochs=FIT_EPOCHS, accuracy=accuracy,
                                  target=TARGET))


def hidden_tests(build_model, fit, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) unless a fresh model trained by ``fit`` in time reaches TARGET."""
    run_in_process("fashion_classifier", (build_model, fit), devices)
