"""Show one image next to the model's class probabilities for it.

After training a classifier, students pass one image and ``softmax(model(x))`` to
:func:`view_classify` to *see* what the network believes: a confident single bar, or
probability spread over look-alike classes (shirt vs. T-shirt, 4 vs. 9).
"""

from __future__ import annotations

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from . import fonts, i18n
from .images import as_image, class_list, to_numpy


def view_classify(image, probabilities, classes="mnist") -> Figure:
    """Plot ``image`` (left) and a horizontal bar per class of ``probabilities`` (right).

    ``image``: (H, W), (1, H, W), (3, H, W) or a flat square vector such as (784,).
    ``probabilities``: one value per class, shape (C,) or a batch of one (1, C), e.g.
    ``torch.softmax(logits, dim=1)``. ``classes``: ``"mnist"``, ``"fashion"`` or a list of names.
    Class 0 is the top bar, so the chart reads in the dataset's class order.
    """
    fonts.enable_cjk()
    names = class_list(classes)
    probs = to_numpy(probabilities).astype(np.float64)
    if probs.ndim == 2 and probs.shape[0] == 1:
        probs = probs[0]
    if probs.ndim != 1:
        raise ValueError(
            f"probabilities must be one vector of class probabilities (C,) or a batch of one (1, C), "
            f"got shape {probs.shape}; pick one row, e.g. probabilities[0]"
        )
    if len(probs) != len(names):
        raise ValueError(f"{len(probs)} probabilities but {len(names)} classes ({', '.join(names)})")
    if probs.min() < -1e-6 or probs.max() > 1 + 1e-6:
        raise ValueError(
            "probabilities must lie between 0 and 1; these look like logits or log-probabilities: "
            "apply torch.softmax(logits, dim=1) (or torch.exp to log-probabilities) first"
        )

    fig, (ax_image, ax_probs) = plt.subplots(ncols=2, figsize=(7, 3.2),
                                             gridspec_kw={"width_ratios": [1, 1.3]})
    picture = as_image(image)
    ax_image.imshow(picture, cmap="gray" if picture.ndim == 2 else None)
    ax_image.set_axis_off()

    positions = np.arange(len(names))
    ax_probs.barh(positions, probs)
    ax_probs.set_yticks(positions, labels=names)
    ax_probs.invert_yaxis()  # class 0 at the top
    ax_probs.set_xlim(0, 1.1)
    ax_probs.set_xlabel(i18n.message("probability"))
    fig.tight_layout()
    return fig
