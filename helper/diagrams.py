"""Explanatory figures drawn with code, in the notebook's language: a neuron, an MLP with its
shapes, softmax, LeNet's feature maps, a computational graph, the training loop, descent paths,
an epoch cut into mini-batches, and learning curves with the overfitting gap marked.

Every text comes from :mod:`helper.i18n` (keys ``diagram_*``), so the English and the Chinese
figure are one drawing; :func:`helper.fonts.enable_cjk` lets matplotlib draw the Chinese glyphs.
Each function returns its :class:`~matplotlib.figure.Figure` (a notebook shows it).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from . import fonts
from .i18n import message



def _box(ax, x, y, text, width=1.6, height=0.7, colour="#dbe9f6", **kwargs):
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.05", facecolor=colour, edgecolor="0.3"))
    ax.text(x, y, text, ha="center", va="center", **{"fontsize": 9, **kwargs})


def _arrow(ax, start, end, colour="0.2", text=None, offset=(0, 0.15), **kwargs):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12, color=colour, lw=1.2,
                                 **kwargs))
    if text:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], text,
                ha="center", va="center", fontsize=8, color=colour)


def _canvas(width, height, xlim, ylim, title=None) -> tuple[Figure, plt.Axes]:
    fonts.enable_cjk()
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig, ax


def neuron(n_inputs: int = 3) -> Figure:
    """One neuron: inputs times weights, summed with the bias, through an activation."""
    fig, ax = _canvas(7, 3, (-0.5, 9), (-0.3, n_inputs + 0.3), message("diagram_neuron_title"))
    ys = np.linspace(n_inputs - 0.5, 0.5, n_inputs)
    centre = (4.2, n_inputs / 2)
    for i, y in enumerate(ys, start=1):
        _box(ax, 0.6, y, f"$x_{i}$", width=0.8, height=0.5)
        _arrow(ax, (1.0, y), (centre[0] - 0.6, centre[1]), text=f"$w_{i}$", offset=(0, 0.18))
    ax.text(0.6, -0.15, message("diagram_inputs"), ha="center", fontsize=9)
    _box(ax, *centre, "$\\sum_j w_j x_j + b$", width=1.9, height=0.8, colour="#fde2c8")
    ax.text(centre[0], centre[1] - 0.65, message("diagram_weighted_sum") + "  (b: " + message("diagram_bias") + ")",
            ha="center", fontsize=8)
    _arrow(ax, (centre[0] + 0.95, centre[1]), (6.4, centre[1]), text="z")
    _box(ax, 7.0, centre[1], "$\\sigma(z)$", width=1.1, height=0.7, colour="#d9f2d9")
    ax.text(7.0, centre[1] - 0.6, message("diagram_activation"), ha="center", fontsize=8)
    _arrow(ax, (7.55, centre[1]), (8.8, centre[1]), text=message("diagram_output"))
    ax.text(2.4, n_inputs + 0.05, message("diagram_weights"), ha="center", fontsize=9)
    return fig


def mlp(sizes=(784, 128, 64, 10)) -> Figure:
    """A fully connected network as columns of units, with the batch's shape after every layer."""
    fig, ax = _canvas(9, 3.6, (-0.8, 3 * (len(sizes) - 1) + 0.8), (-1.9, 2.0), message("diagram_mlp_title"))
    for index, size in enumerate(sizes):
        x, shown = 3 * index, min(size, 6)
        ys = np.linspace(1.3, -1.0, shown)
        for y in ys:
            ax.add_patch(plt.Circle((x, y), 0.13, facecolor="#dbe9f6", edgecolor="0.3"))
        if size > shown:
            ax.text(x, (ys[-2] + ys[-1]) / 2, "⋮", ha="center", va="center", fontsize=12)
        if index == 0:
            name = message("diagram_input_layer")
        elif index == len(sizes) - 1:
            name = message("diagram_output_layer")
        else:
            name = message("diagram_hidden_layer")
        ax.text(x, -1.45, f"{name}\n(N, {size})", ha="center", va="top", fontsize=8)
        if index:
            previous = 3 * (index - 1)
            for y0 in np.linspace(1.3, -1.0, min(sizes[index - 1], 6)):
                for y1 in ys:
                    ax.plot([previous + 0.13, x - 0.13], [y0, y1], color="0.8", lw=0.4, zorder=0)
            ax.text(previous + 1.5, 1.75, message("diagram_weight_shape", shape=f"({sizes[index - 1]}, {size})"),
                    ha="center", fontsize=8)
    return fig


def softmax_bars(logits) -> Figure:
    """A row of logits and the probabilities softmax turns them into, side by side."""
    fonts.enable_cjk()
    values = np.asarray([float(v) for v in logits])
    probabilities = np.exp(values - values.max())
    probabilities /= probabilities.sum()
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 2.8))
    classes = np.arange(len(values))
    left.bar(classes, values, color=["C3" if v < 0 else "C0" for v in values])
    left.axhline(0, color="0.3", lw=0.8)
    left.set_title(message("diagram_logits"))
    right.bar(classes, probabilities, color="C2")
    right.set_ylim(0, 1)
    right.set_title(message("diagram_probabilities"))
    for ax in (left, right):
        ax.set_xticks(classes)
        ax.set_xlabel(message("diagram_class"))
    for x, p in zip(classes, probabilities):
        right.text(x, p + 0.02, f"{p:.2f}", ha="center", fontsize=7)
    fig.suptitle(message("diagram_softmax_note"), fontsize=9, y=0.02, va="bottom")
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def lenet() -> Figure:
    """LeNet's stages as blocks whose size follows the feature maps: 32 → 28 → 14 → 10 → 5 → 400 → 10."""
    fig, ax = _canvas(11, 3.4, (-0.5, 17.2), (-2.4, 2.2), message("diagram_lenet_title"))
    stages = [
        (message("diagram_image"), 32, 1, None),
        (message("diagram_feature_maps", channels=6, size=28), 28, 6, "conv1 5×5"),
        (message("diagram_feature_maps", channels=6, size=14), 14, 6, message("diagram_pool")),
        (message("diagram_feature_maps", channels=16, size=10), 10, 16, "conv2 5×5"),
        (message("diagram_feature_maps", channels=16, size=5), 5, 16, message("diagram_pool")),
    ]
    x = 0.0
    for index, (label, size, channels, operation) in enumerate(stages):
        side = 0.35 + 1.6 * size / 32
        for layer in range(min(channels, 4)):
            ax.add_patch(plt.Rectangle((x + 0.12 * layer, -side / 2 + 0.12 * layer), side, side,
                                       facecolor="#dbe9f6", edgecolor="0.3", lw=0.8))
        ax.text(x + side / 2, -1.5, label, ha="center", va="top", fontsize=7.5)
        if operation:
            ax.text(x - 0.65, 0.25, operation, ha="center", va="bottom", fontsize=7, color="0.25")
        x += side + 1.3
        if index < len(stages) - 1:
            _arrow(ax, (x - 1.2, 0), (x - 0.1, 0))
    _arrow(ax, (x - 1.2, 0), (x - 0.1, 0), text=message("diagram_flatten"), offset=(0, 0.3))
    for size, name in [(400, None), (120, "fc1"), (84, "fc2"), (10, "fc3")]:
        height = 0.4 + 2.6 * size / 400
        ax.add_patch(plt.Rectangle((x, -height / 2), 0.3, height, facecolor="#fde2c8", edgecolor="0.3"))
        ax.text(x + 0.15, -1.5, message("diagram_units", n=size), ha="center", va="top", fontsize=7.5)
        if name:
            ax.text(x - 0.5, 0.2, name, ha="center", va="bottom", fontsize=7, color="0.25")
        x += 1.3
        if size != 10:
            _arrow(ax, (x - 0.95, 0), (x - 0.05, 0))
    return fig


def computational_graph(values: dict | None = None, gradients: dict | None = None) -> Figure:
    """The two-layer network of lesson 5 as a graph: X, W1 → z1 → h → (W2) z2 → ŷ → L (with y).

    ``values`` and ``gradients`` map node names (``"z1"``, ``"h"``, ``"z2"``, ``"y_hat"``, ``"L"``,
    ``"W1"``, ``"W2"``) to a short text or number, shown in black under the node (forward value)
    and in red above it (the gradient of L with respect to it).
    """
    values, gradients = values or {}, gradients or {}
    fig, ax = _canvas(11, 3.8, (-1.0, 13.6), (-2.4, 2.4), message("diagram_graph_title"))
    nodes = {"X": (0, 0.9), "W1": (0, -0.9), "z1": (2.4, 0), "h": (4.6, 0), "W2": (4.6, -1.7),
             "z2": (6.8, 0), "y_hat": (9.0, 0), "y": (9.0, -1.7), "L": (11.6, 0)}
    labels = {"X": "$X$", "W1": "$W_1$", "z1": "$z_1 = X W_1$", "h": "$h = \\sigma(z_1)$", "W2": "$W_2$",
              "z2": "$z_2 = h W_2$", "y_hat": "$\\hat y = \\sigma(z_2)$", "y": "$y$",
              "L": "$L$"}
    edges = [("X", "z1"), ("W1", "z1"), ("z1", "h"), ("h", "z2"), ("W2", "z2"), ("z2", "y_hat"),
             ("y_hat", "L"), ("y", "L")]
    for name, (x, y) in nodes.items():
        parameter = name in ("W1", "W2")
        _box(ax, x, y, labels[name], width=1.7, height=0.6, colour="#fde2c8" if parameter else "#dbe9f6")
        if name == "L":
            ax.text(x + 0.95, y, message("diagram_loss"), ha="left", va="center", fontsize=8)
        if name in values:
            ax.text(x, y - 0.5, _short(values[name]), ha="center", va="top", fontsize=7.5)
        if name in gradients:
            ax.text(x, y + 0.42, f"∂L/∂{_SYMBOLS[name]} = " + _short(gradients[name]), ha="center", va="bottom", fontsize=7.5,
                    color="C3")
    for start, end in edges:
        (x0, y0), (x1, y1) = nodes[start], nodes[end]
        _arrow(ax, (x0 + 0.85, y0), (x1 - 0.85, y1))
    for start, end in [("L", "y_hat"), ("y_hat", "z2"), ("z2", "h"), ("h", "z1")]:
        (x0, y0), (x1, y1) = nodes[start], nodes[end]
        _arrow(ax, (x0 - 0.5, y0 + 1.2), (x1 + 0.5, y1 + 1.2), colour="C3", connectionstyle="arc3,rad=0.25")
    return fig


_SYMBOLS = {"X": "X", "W1": "W₁", "z1": "z₁", "h": "h", "W2": "W₂", "z2": "z₂", "y_hat": "ŷ", "y": "y", "L": "L"}


def _short(value) -> str:
    if isinstance(value, str):
        return value
    try:
        return f"{float(value):.3g}"
    except (TypeError, ValueError):
        return str(value)


def training_loop() -> Figure:
    """The five lines of a training step as a cycle, fed by one batch per turn."""
    fig, ax = _canvas(7.5, 5.2, (-4.2, 4.2), (-3.0, 3.0), message("diagram_loop_title"))
    keys = ["diagram_loop_batch", "diagram_loop_zero", "diagram_loop_forward", "diagram_loop_loss",
            "diagram_loop_backward", "diagram_loop_step"]
    angles = [90 - 360 * k / len(keys) for k in range(len(keys))]
    points = [(2.7 * math.cos(math.radians(a)), 2.1 * math.sin(math.radians(a))) for a in angles]
    for index, (key, (x, y)) in enumerate(zip(keys, points)):
        _box(ax, x, y, message(key), width=2.6, height=0.8, colour="#d9f2d9" if index == 0 else "#dbe9f6",
             fontsize=8)
        (x1, y1) = points[(index + 1) % len(points)]
        dx, dy = x1 - x, y1 - y
        length = math.hypot(dx, dy)
        shrink = 0.55 / length
        _arrow(ax, (x + dx * shrink * 1.6, y + dy * shrink), (x1 - dx * shrink * 1.6, y1 - dy * shrink),
               connectionstyle="arc3,rad=-0.2")
    return fig


def descent_paths(paths: dict, loss, start, xlim=(-10, 10), ylim=(-2.5, 2.5)) -> Figure:
    """Several descent paths on the contour lines of ``loss(x, y)``, in one panel.

    ``paths`` maps a legend label to an array of shape ``(steps + 1, 2)``.
    """
    fonts.enable_cjk()
    xs, ys = np.meshgrid(np.linspace(*xlim, 201), np.linspace(*ylim, 101))
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.contour(xs, ys, loss(xs, ys), levels=12, colors="0.8", linewidths=0.7)
    for index, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        ax.plot(path[:, 0], path[:, 1], "o-", markersize=2.5, linewidth=1, color=f"C{index}", label=label)
    ax.plot(*start, "s", color="C2", label=message("diagram_start"))
    ax.plot(0, 0, "*", color="C3", markersize=12, label=message("diagram_minimum"))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_title(message("diagram_descent_title"))
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    return fig


def epoch_batches(n_samples: int = 10, batch_size: int = 4, seed: int = 0) -> Figure:
    """One epoch: the samples, a shuffled order, and that order cut into batches (the last may be short)."""
    order = np.random.default_rng(seed).permutation(n_samples)
    n_batches = math.ceil(n_samples / batch_size)
    fig, ax = _canvas(9, 2.8, (-1.8, n_samples + n_batches * 0.4 + 0.5), (-2.4, 2.1),
                      message("diagram_epoch_title", n=n_samples, b=batch_size))
    ax.text(-0.3, 1.2, message("diagram_samples"), ha="right", va="center", fontsize=8)
    ax.text(-0.3, -0.6, message("diagram_shuffled"), ha="right", va="center", fontsize=8)
    for i in range(n_samples):
        ax.add_patch(plt.Rectangle((i, 0.9), 0.9, 0.6, facecolor="#dbe9f6", edgecolor="0.3"))
        ax.text(i + 0.45, 1.2, str(i), ha="center", va="center", fontsize=8)
    for position, sample in enumerate(order):
        batch = position // batch_size
        x = position + 0.4 * batch
        ax.add_patch(plt.Rectangle((x, -0.9), 0.9, 0.6, facecolor=f"C{batch}", alpha=0.35, edgecolor="0.3"))
        ax.text(x + 0.45, -0.6, str(sample), ha="center", va="center", fontsize=8)
    for batch in range(n_batches):
        first = batch * batch_size
        size = min(batch_size, n_samples - first)
        x0 = first + 0.4 * batch
        ax.text(x0 + size / 2 - 0.05, -1.25, message("diagram_batch", i=batch + 1) + f" ({size})",
                ha="center", va="top", fontsize=8)
    ax.text(n_samples / 2, -2.0, message("diagram_iteration", k=n_batches, n=n_samples, b=batch_size),
            ha="center", fontsize=8)
    return fig


def overfitting_gap(history: dict, best_epoch: int | None = None) -> Figure:
    """Training and validation loss per epoch, the epoch of the lowest validation loss marked, the gap after it shaded.

    ``history`` holds ``"train_loss"`` and ``"val_loss"`` (one number per epoch, epochs 1..n);
    ``best_epoch`` (1-based) defaults to the epoch of the lowest validation loss: where early
    stopping keeps the weights, and after which the gap between the curves is overfitting.
    """
    fonts.enable_cjk()
    train = np.asarray([float(v) for v in history["train_loss"]])
    val = np.asarray([float(v) for v in history["val_loss"]])
    if len(train) != len(val) or len(val) == 0:
        raise ValueError("train_loss and val_loss need one value per epoch, as many of each")
    epochs = np.arange(1, len(val) + 1)
    best = int(np.argmin(val)) + 1 if best_epoch is None else int(best_epoch)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.plot(epochs, train, "o-", markersize=3, color="C0", label=message("train"))
    ax.plot(epochs, val, "o-", markersize=3, color="C2", label=message("val"))
    after = epochs >= best
    ax.fill_between(epochs[after], train[after], val[after], color="C3", alpha=0.15, label=message("diagram_gap"))
    ax.axvline(best, color="0.3", linestyle="--", lw=1)
    ax.plot(best, val[best - 1], "*", color="C3", markersize=12)
    top = max(float(val.max()), float(train.max()))
    ax.annotate(message("diagram_best_epoch", epoch=best), (best, val[best - 1]), xytext=(best + 0.5, top * 0.92),
                fontsize=8, va="top", arrowprops={"arrowstyle": "->", "color": "0.3"})
    ax.set_xlabel(message("epoch"))
    ax.set_ylabel(message("loss"))
    ax.set_title(message("diagram_gap_title"))
    ax.grid(alpha=0.3)
    ax.legend(loc="center right", fontsize=8)
    fig.tight_layout()
    return fig
