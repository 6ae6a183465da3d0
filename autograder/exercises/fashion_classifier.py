"""Hidden tests for ``build_model()`` and ``fit(model, train_loader, epochs)``: a FashionMNIST classifier.

The honest test of a classifier: seed, build a fresh model, check that it is untrained (about chance
on the test set), train it with the student's ``fit`` on all 60,000 normalised training images for
``FIT_EPOCHS`` epochs while keeping the clock, then measure the accuracy on the 10,000 test images
ourselves. It passes when the accuracy reaches ``TARGET`` and the training took at most ``LIMIT_S``
seconds (the notebook's budget times a margin for slower machines), timed on one CPU thread so that
the budget means the same on any machine and does not depend on what else the machine is running.

On the way it refuses what would make the number meaningless: a model that is not an nn.Module or
does not output (N, 10) logits, one global model returned by every call of build_model, weights
trained elsewhere (before fit, or copied from another model of the notebook during fit), a fit that
never updates the parameters or lets gradients pile up, ignores ``epochs`` or trains on other data
than the loader it is given, or a model that predicts one class for everything. A run that is
clearly going to blow the time limit is stopped early, so the test itself stays short.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helper.checks.core import CheckFailed
from helper.checks.fashion_classifier import (BUDGET_S, CHANCE_MAX, FIT_BATCH_SIZE, FIT_EPOCHS, LIMIT_S,
                                              PROJECTION_FACTOR, SLACK, TARGET, expect_logits, fresh_model,
                                              one_thread, run_fit)
from helper.i18n import message

from . import available_devices

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


def normalised_data(device: str):
    """FashionMNIST train and test tensors on ``device``, normalised with the training set's mean and std.

    Loaded once per device and kept: the notebook and the test suite call the hidden tests repeatedly.
    """
    if device not in _data:
        import helper

        train_images, train_labels = helper.load_tensors("FashionMNIST", train=True)
        test_images, test_labels = helper.load_tensors("FashionMNIST", train=False)
        mean, std = train_images.mean(), train_images.std()
        _data[device] = tuple(t.to(device) for t in ((train_images - mean) / std, train_labels,
                                                      (test_images - mean) / std, test_labels))
    return _data[device]


def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Class predictions in eval mode, without a graph, in chunks."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(images[i:i + 1000]).argmax(dim=1) for i in range(0, len(images), 1000)])


def _copied_from(model: nn.Module, *functions) -> str | None:
    """The name of a model in the answer's namespace whose weights ``model`` now holds exactly, if any."""
    mine = [p.detach() for p in model.parameters()]
    for function in functions:
        for name, value in getattr(function, "__globals__", {}).items():
            if not isinstance(value, nn.Module) or value is model:
                continue
            theirs = [p.detach() for p in value.parameters()]
            if theirs and len(theirs) == len(mine) and all(
                    a.shape == b.shape and torch.equal(a, b.to(a.device)) for a, b in zip(mine, theirs)):
                return name
    return None


def hidden_tests(build_model, fit, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) unless a fresh model trained by ``fit`` in time reaches TARGET."""
    for device in devices or available_devices():
        train_images, train_labels, test_images, test_labels = normalised_data(device)
        forked = [torch.device(device).index or 0] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=forked), one_thread():
            torch.manual_seed(SEED)
            model = fresh_model(build_model).to(device)
            model.eval()
            expect_logits(model, test_images[:7])
            untrained = (predict(model, test_images) == test_labels).float().mean().item()
            if untrained > CHANCE_MAX:
                raise CheckFailed(message("fashion_classifier_pretrained", accuracy=untrained))

            loader = DataLoader(TensorDataset(train_images, train_labels), batch_size=FIT_BATCH_SIZE,
                                shuffle=True, generator=torch.Generator().manual_seed(SEED))
            seconds = run_fit(fit, model, loader, FIT_EPOCHS, limit=LIMIT_S,
                              project_over=PROJECTION_FACTOR * LIMIT_S)
            if seconds > LIMIT_S:
                raise CheckFailed(message("fashion_classifier_too_slow", seconds=seconds, epochs=FIT_EPOCHS,
                                          limit=LIMIT_S, budget=BUDGET_S, slack=SLACK))
            copied = _copied_from(model, build_model, fit)
            if copied:
                raise CheckFailed(message("fashion_classifier_copied", name=copied))

            predictions = predict(model, test_images)
            if (predictions == predictions[0]).all():
                raise CheckFailed(message("fashion_classifier_constant", label=int(predictions[0]),
                                          n=len(predictions)))
            accuracy = (predictions == test_labels).float().mean().item()
            last_run[device] = {"untrained": untrained, "seconds": seconds, "accuracy": accuracy}
            if accuracy < TARGET:
                raise CheckFailed(message("fashion_classifier_low_accuracy", epochs=FIT_EPOCHS, accuracy=accuracy,
                                          target=TARGET))
