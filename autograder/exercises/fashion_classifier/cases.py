"""The input of ``build_model()`` and ``fit(...)``: the graded run itself, on FashionMNIST, public.

On the CPU there is one case, and it is public: the whole training set, the test images (not their
labels, which only the judge holds) and the rules of the run (``exercise.toml``'s ``[rules]``). On the
GPU (simulated where there is none), a short public run on a few hundred images shows a batch, a label
or a model left on the wrong device; its accuracy is not judged, and it runs first, since it is cheap. The
visible check runs exactly what the grader runs, so the two agree: a short run on part of the data
cannot tell the graded accuracy (measured for the lesson's models, two epochs on 20,000 images
came out 1.5 to 12 points below two epochs on all 60,000, depending on the model), and the data are
public anyway. There is no hidden case: a second, seeded run would double every student's grading
time, and a frozen clock could spend the CPU limit of two runs on one.
"""

from __future__ import annotations

import tomllib
from functools import cache

import torch

from autograder.exercise import Case, exercise


@cache
def rules() -> dict:
    """The ``[rules]`` of ``exercise.toml``, with the training limit ``limit_s`` = budget × slack."""
    facts = tomllib.loads((exercise("fashion_classifier").folder / "exercise.toml").read_text(encoding="utf-8"))
    found = dict(facts["rules"])
    found["limit_s"] = found["budget_s"] * found["slack"]
    return found


@cache
def fashion_mnist() -> tuple:
    """Training images (uint8), training labels, test images (uint8), test labels, and the training set's
    mean and std of the [0, 1] pixels (0-dim float32 tensors), all on the CPU; loaded once.

    The bytes are exactly ``helper.load_tensors``'s pixels × 255, so the probe's normalisation gives
    back the floats the notebook trains on.
    """
    import helper

    train_images, train_labels = helper.load_tensors("FashionMNIST", train=True)
    test_images, test_labels = helper.load_tensors("FashionMNIST", train=False)
    mean, std = train_images.mean(), train_images.std()
    return _as_bytes(train_images), train_labels, _as_bytes(test_images), test_labels, mean, std


def _as_bytes(images: torch.Tensor) -> torch.Tensor:
    return images.mul(255).round_().to(torch.uint8)


GPU_RUN = {"train": 512, "test": 256, "epochs": 1, "cpu_s": 10}
"""The run on the (simulated) GPU: long enough to show a tensor left on the wrong device, and no longer;
``cpu_s`` is its CPU budget in ``course grade``, besides the graded run's."""


def cases(device: str, generator: torch.Generator | None):
    r = rules()
    train_images, train_labels, test_images, _test_labels, mean, std = fashion_mnist()
    if device != "cpu":
        yield Case("on_gpu", {
            "device": device, "train_images": train_images[:GPU_RUN["train"]],
            "train_labels": train_labels[:GPU_RUN["train"]], "test_images": test_images[:GPU_RUN["test"]],
            "mean": mean, "std": std, "seed": r["seed"], "epochs": GPU_RUN["epochs"], "batch_size": r["batch_size"],
            "limit_s": r["limit_s"], "project_over_s": None}, hidden=False, title="fashion_classifier.on_gpu_ok",
            cpu_seconds=GPU_RUN["cpu_s"])
        return
    yield Case("graded_run", {
        "device": device, "train_images": train_images, "train_labels": train_labels, "test_images": test_images,
        "mean": mean, "std": std, "seed": r["seed"], "epochs": r["epochs"], "batch_size": r["batch_size"],
        "limit_s": r["limit_s"], "project_over_s": r["projection_factor"] * r["limit_s"]},
        hidden=False, title="fashion_classifier.graded_run_ok")
