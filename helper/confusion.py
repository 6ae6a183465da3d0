"""Count and draw a confusion matrix: which classes the model mixes up with which.

Accuracy is one number; the confusion matrix shows *where* the errors are (on FashionMNIST,
shirts taken for T-shirts and coats). Rows are the true class, columns the predicted one.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from . import fonts, i18n
from .images import class_indices, class_list


def confusion_matrix(targets, predictions, num_classes: int) -> torch.Tensor:
    """A (C, C) ``torch.long`` matrix: entry [t, p] counts samples of class t predicted as p.

    ``targets`` are class indices (N,); ``predictions`` are indices (N,) or scores (N, C),
    from which the argmax is taken. Any device, numpy arrays and lists are accepted.
    """
    if int(num_classes) < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}")
    truth = torch.from_numpy(class_indices(targets, "targets"))
    guess = torch.from_numpy(class_indices(predictions, "predictions"))
    if len(truth) != len(guess):
        raise ValueError(f"{len(truth)} targets but {len(guess)} predictions: they must match one to one")
    for what, values in (("targets", truth), ("predictions", guess)):
        if len(values) and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(f"{what} must lie in 0..{num_classes - 1}, got values "
                             f"from {int(values.min())} to {int(values.max())}")
    counts = torch.bincount(truth * num_classes + guess, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


def plot_confusion_matrix(targets, predictions, classes="fashion") -> Figure:
    """An annotated heat map of :func:`confusion_matrix`, class names on both axes."""
    fonts.enable_cjk()
    names = class_list(classes)
    counts = confusion_matrix(targets, predictions, len(names)).numpy()
    size = max(4.0, 0.55 * len(names) + 2.5)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(counts, cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    ticks = np.arange(len(names))
    ax.set_xticks(ticks, labels=names, rotation=45, ha="right", rotation_mode="anchor")
    ax.set_yticks(ticks, labels=names)
    ax.set_xlabel(i18n.message("predicted"))
    ax.set_ylabel(i18n.message("true"))
    ax.set_title(i18n.message("confusion_title"))
    threshold = counts.max() / 2
    for (row, column), count in np.ndenumerate(counts):
        ax.text(column, row, str(count), ha="center", va="center", fontsize=8,
                color="white" if count > threshold else "black")
    fig.tight_layout()
    return fig
