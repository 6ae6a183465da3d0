"""Probe for ``build_model()`` and ``fit(model, train_loader, epochs)``: train a fresh model, report its predictions.

The judge sends the FashionMNIST training images and labels and the test images (bytes, with the
training set's mean and std), never the test labels. Here, on one CPU thread and seeded as the judge
says: build a fresh model (two calls, each a new module), check that it outputs logits, record its
predictions on the test images before training, train it with the student's ``fit`` under guard
and clock (:func:`helper.checks.fashion_classifier.run_fit`), then record its predictions again.
The judge scores both sets of predictions against the labels it kept.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from helper.checks.core import CheckFailed
from helper.checks.fashion_classifier import expect_logits, fresh_model, normalise, one_thread, run_fit


def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Class predictions (int64) in eval mode, without a graph, in chunks."""
    model.eval()
    with torch.no_grad():
        return torch.cat([model(images[i:i + 1000]).argmax(dim=1) for i in range(0, len(images), 1000)])


def copied_from(model: nn.Module, *functions) -> str | None:
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


def probe(defined: tuple, inputs: dict) -> dict:
    build_model, fit = defined
    device = torch.device(inputs["device"])
    mean, std = inputs["mean"], inputs["std"]
    train_images = normalise(inputs["train_images"], mean, std).to(device)
    train_labels = inputs["train_labels"].to(device)
    test_images = normalise(inputs["test_images"], mean, std).to(device)
    forked = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=forked), one_thread():
        torch.manual_seed(inputs["seed"])
        model = fresh_model(build_model).to(device)
        model.eval()
        expect_logits(model, test_images[:7])
        untrained = predict(model, test_images)

        loader = DataLoader(TensorDataset(train_images, train_labels), batch_size=inputs["batch_size"],
                            shuffle=True, generator=torch.Generator().manual_seed(inputs["seed"]))
        try:
            seconds = run_fit(fit, model, loader, inputs["epochs"], limit=inputs["limit_s"],
                              project_over=inputs["project_over_s"])
        except CheckFailed as failure:  # reported after the judge has looked at the untrained model
            return {"untrained": untrained, "fit_failed": str(failure)}
        return {"untrained": untrained, "fit_failed": None, "seconds": seconds,
                "copied": copied_from(model, build_model, fit), "predictions": predict(model, test_images)}
