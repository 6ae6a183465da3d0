"""Plot training curves (loss and accuracy per epoch) from a history dict.

The course's training loops append one number per epoch to ``history["train_loss"]`` etc.;
:func:`plot_history` turns that into the two classic panels, so students can spot
over-fitting (test loss rising while train loss keeps falling) at a glance.
"""

from __future__ import annotations

from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import fonts, i18n
from .images import to_numpy

KEYS = {"loss": ("train_loss", "val_loss", "test_loss"), "accuracy": ("train_acc", "val_acc", "test_acc")}
"""The history keys understood, per panel."""


def plot_history(history: dict) -> Figure:
    """Loss (and, if present, accuracy) against epochs 1..n: train, validation and test in each panel.

    ``history`` maps any of ``"train_loss"``, ``"val_loss"``, ``"test_loss"``, ``"train_acc"``,
    ``"val_acc"``, ``"test_acc"`` (``val``: the validation set) to per-epoch values (numbers or 0-d tensors, e.g. ``loss.detach()``).
    """
    fonts.enable_cjk()
    known = [key for keys in KEYS.values() for key in keys]
    unknown = sorted(set(history) - set(known))
    if unknown:
        raise ValueError(f"unknown history key(s) {', '.join(map(repr, unknown))}: use {', '.join(known)}")
    series = {key: [float(v) for v in to_numpy(values).reshape(-1)]
              for key, values in history.items() if len(values) > 0}
    if not series:
        raise ValueError(f"the history is empty: append one value per epoch to {' / '.join(known)}")

    panels = [(kind, keys) for kind, keys in KEYS.items() if any(key in series for key in keys)]
    fig, axes = plt.subplots(ncols=len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
    for ax, (kind, keys) in zip(axes.flat, panels):
        for key, colour in zip(keys, ("C0", "C2", "C1")):
            if key in series:
                values = series[key]
                ax.plot(range(1, len(values) + 1), values, marker="o", markersize=3,
                        color=colour, label=i18n.message(key.split("_")[0]))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(i18n.message("epoch"))
        ax.set_ylabel(i18n.message(kind))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig
