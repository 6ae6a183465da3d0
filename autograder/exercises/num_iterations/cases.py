"""The inputs of ``num_iterations(n_samples, batch_size, epochs)``: five public counts, then hidden ones.

Hidden: the edges (around one batch, batch size 1, a batch larger than the data, zero epochs),
about 150 random counts (exact multiples, fewer samples than one batch, anything), and data sets
beyond 2**53 samples, where ``n / b`` is a float that can no longer hold the count exactly: there a
``math.ceil(n / b)`` is off by one or more, and only integer arithmetic is right.
"""

from __future__ import annotations

import torch

from autograder.exercise import Case

EDGE_CASES = [
    (60_000, 64, 3), (60_000, 100, 7),  # MNIST-sized, with and without a remainder
    (1, 1, 1), (1, 64, 5), (63, 64, 2), (64, 64, 2), (65, 64, 2),  # around one batch
    (10, 1, 3), (12_345, 1, 1),  # batch size 1: one step per sample
    (50, 100, 4), (7, 1000, 1),  # batch larger than the data: one (partial) batch per epoch
    (10_000, 256, 0), (999, 7, 0),  # zero epochs: no steps at all
    (2**40 + 1, 2**20, 3),  # large, still exact in a float
]

BEYOND_FLOATS = [
    (2**53 + 1, 1, 1),  # float(n) rounds down to 2**53: one step lost
    (2**60 + 1, 2**20, 2),  # one sample past a multiple: n / b rounds to a whole number
    (3 * 2**55 + 3, 3, 1),  # divides evenly, but n / b rounds up past the quotient
    (10**17 + 7, 10, 5),
    (2**64 + 2**12 + 1, 2**12, 1),
]
"""Data sets larger than a float counts exactly (2**53): each makes ``math.ceil(n / b)`` wrong."""

BATCH_SIZES = [1, 2, 3, 8, 16, 32, 64, 100, 128, 256, 512, 1000]
EPOCHS = [0, 1, 1, 2, 3, 5, 10]


def cases(device: str, generator: torch.Generator | None):
    public = [("worked", (60_000, 64, 1)), ("epochs", (60_000, 64, 10)), ("small", (10, 4, 1)),
              ("small_epochs", (10, 4, 3)), ("even", (100, 10, 2))]
    for name, numbers in public:
        yield Case(name, _inputs(*numbers), hidden=False, title=f"num_iterations.{name}")
    if generator is None:
        return
    # Named by kind only: the message itself shows the call.
    for numbers in EDGE_CASES:
        yield Case("an edge case", _inputs(*numbers), title="num_iterations.case_edge")
    for _ in range(150):
        yield Case("a random count", _inputs(*_random_count(generator)), title="num_iterations.case_random")
    for numbers in BEYOND_FLOATS:
        yield Case("a data set beyond 2**53 samples", _inputs(*numbers), title="num_iterations.case_beyond_floats")
    for _ in range(20):
        # Random ones beyond 2**53: one sample past b·k, where b = 2**j and k = m·2**e are floats exactly
        # and the float spacing at b·k is 4 or more, so float(n) is b·k and n / b is k, one step short.
        batch_size = 2 ** _draw(generator, 1, 20)
        k = _draw(generator, 2**52, 2**53 - 1) << _draw(generator, 1, 9)
        yield Case("a data set beyond 2**53 samples", _inputs(batch_size * k + 1, batch_size, _draw(generator, 1, 100)),
                   title="num_iterations.case_beyond_floats")


def _random_count(generator: torch.Generator) -> tuple[int, int, int]:
    batch_size = _pick(generator, [*BATCH_SIZES, _draw(generator, 1, 5000)])
    kind = torch.rand((), generator=generator).item()
    if kind < 0.25:  # an exact multiple
        n_samples = batch_size * _draw(generator, 1, 500)
    elif kind < 0.35:  # fewer samples than one batch
        n_samples = _draw(generator, 1, batch_size)
    else:
        n_samples = _draw(generator, 1, 200_000)
    return n_samples, batch_size, _pick(generator, [*EPOCHS, _draw(generator, 0, 100)])


def _draw(generator: torch.Generator, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high`` inclusive."""
    return int(torch.randint(low, high + 1, (), generator=generator))


def _pick(generator: torch.Generator, options: list[int]) -> int:
    return options[_draw(generator, 0, len(options) - 1)]


def _inputs(n_samples: int, batch_size: int, epochs: int) -> dict:
    return {"n_samples": n_samples, "batch_size": batch_size, "epochs": epochs}
