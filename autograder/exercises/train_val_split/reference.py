"""The reference (grader only): the sizes a right split has, and the sizes the usual wrong roundings give.

The validation set has ``int(n * val_fraction)`` samples (rounded down), the training set the rest.
Which samples go where is the generator's business: the judge checks the split's properties, never one
particular permutation.
"""

from __future__ import annotations

import math


def expected(inputs: dict) -> dict:
    n, fraction = inputs["n"], inputs["val_fraction"]
    n_val = int(n * fraction)
    product = n * fraction
    # Rounded to nearest, rounded up, or the training set rounded down first: each gives another validation size.
    rounded = sorted({round(product), math.ceil(product), n - int(n * (1 - fraction))} - {n_val})
    return {"n_val": n_val, "n_train": n - n_val, "rounded": rounded}
