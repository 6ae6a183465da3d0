"""Show a batch of images with their labels, to look at the data (and the model's mistakes).

Looking at the pictures is the quickest sanity check in the course: after building a
``DataLoader`` students call ``show_batch(images, labels)``; after training,
``show_batch(images, labels, predictions=...)`` colours each title green (right) or red (wrong).
The small converters here (tensor -> NumPy, any image layout -> something ``imshow`` draws,
``classes`` -> list of names) are shared by the other plotting modules.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from . import fonts, i18n


def to_numpy(values) -> np.ndarray:
    """A NumPy copy of a tensor (any device, with or without grad), array, list or scalar."""
    if isinstance(values, (list, tuple)) and values and isinstance(values[0], torch.Tensor):
        values = torch.stack([torch.as_tensor(v).detach().cpu() for v in values])
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu()
        if values.dtype in (torch.bfloat16, torch.float16):
            values = values.float()
        return values.numpy()
    return np.asarray(values)


def as_image(image) -> np.ndarray:
    """``image`` as (H, W) for grayscale or (H, W, 3) for colour, ready for ``imshow``.

    Accepts (H, W), (1, H, W), (3, H, W), (H, W, 1), (H, W, 3) and a flat square vector such as
    a flattened 28x28 MNIST digit (784,). Colour images outside [0, 1] (e.g. after
    ``Normalize``) are rescaled to [0, 1], which ``imshow`` needs for RGB.
    """
    array = to_numpy(image)
    if array.ndim == 1:
        side = math.isqrt(array.size)
        if side * side != array.size:
            raise ValueError(f"a flat image must have a square number of pixels, got {array.size}")
        return array.reshape(side, side)
    if array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[-1] not in (1, 3):
        array = np.moveaxis(array, 0, -1)  # channels first (PyTorch) -> channels last (matplotlib)
    if array.ndim == 3 and array.shape[-1] == 1:
        array = array[..., 0]
    if array.ndim == 2:
        return array
    if array.ndim != 3 or array.shape[-1] != 3:
        raise ValueError(
            f"cannot show an image of shape {tuple(array.shape)}: expected (H, W), (1, H, W), "
            "(3, H, W) or a flat square vector"
        )
    array = array.astype(np.float64)
    low, high = array.min(), array.max()
    if low < 0 or high > 1:
        array = (array - low) / (high - low) if high > low else np.zeros_like(array)
    return array


def class_list(classes) -> list[str]:
    """Class names for ``"mnist"``/``"fashion"`` in the notebook's language, or a given list."""
    if isinstance(classes, str):
        return i18n.class_names(classes)
    return [str(name) for name in classes]


def class_indices(values, what: str) -> np.ndarray:
    """Integer class indices from indices (N,) or from scores/probabilities (N, C) via argmax."""
    array = to_numpy(values)
    if array.ndim == 2:
        array = array.argmax(axis=1)
    if array.ndim != 1:
        raise ValueError(f"{what} must be class indices (N,) or scores (N, C), got shape {array.shape}")
    return array.astype(np.int64)


def show_batch(images, labels=None, classes="mnist", predictions=None,
               ncols: int = 8, max_images: int = 32) -> Figure:
    """A grid of the first ``max_images`` images of a batch, titled with their class names.

    ``images`` is (N, H, W), (N, 1, H, W) or (N, 3, H, W). With ``predictions`` (indices or
    scores) each title reads "<predicted> (<label>)", green when right and red when wrong.
    """
    fonts.enable_cjk()
    array = to_numpy(images)
    if array.ndim not in (3, 4) or len(array) == 0:
        raise ValueError(
            f"images must be a non-empty batch (N, H, W) or (N, C, H, W), got shape {array.shape}")
    names = class_list(classes)
    columns = {}
    for what, values in (("labels", labels), ("predictions", predictions)):
        if values is not None:
            columns[what] = class_indices(values, what)
            if len(columns[what]) != len(array):
                raise ValueError(f"{len(array)} images but {len(columns[what])} {what}")
            if columns[what].min() < 0 or columns[what].max() >= len(names):
                raise ValueError(f"{what} must lie in 0..{len(names) - 1} (one per class name)")

    count = min(len(array), max_images)
    ncols = max(1, min(ncols, count))
    nrows = math.ceil(count / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols, 1.6 * nrows), squeeze=False)
    for index, ax in enumerate(axes.flat):
        if index >= count:
            fig.delaxes(ax)  # no empty frames in the last row
            continue
        image = as_image(array[index])
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        ax.set_axis_off()
        label = columns.get("labels", [None] * count)[index]
        predicted = columns.get("predictions", [None] * count)[index]
        if predicted is None:
            if label is not None:
                ax.set_title(names[label], fontsize=9)
        elif label is None:
            ax.set_title(names[predicted], fontsize=9)
        else:
            ax.set_title(f"{names[predicted]} ({names[label]})", fontsize=9,
                         color="green" if predicted == label else "red")
    fig.tight_layout()
    return fig
