"""Hidden tests for ``two_layer_backward(X, y, W1, W2)``: random sizes, seeds, labels, dtypes and devices.

Each answer is compared twice, with autograd's gradients and with central differences of the loss
(float64, relative error below 1e-6), on fresh random problems, so an answer that hard-codes the
visible outputs, forgets the 1/N, skips a σ', misplaces a transpose, flips a sign, writes into its
inputs or only works for square or tiny shapes loses the points.

Autograd is kept out as :mod:`helper.checks.two_layer_backward` explains: the answer runs inside
``torch.no_grad()`` on inputs that do not require grad, under a saved-tensors hook that notices any
graph being recorded (even after ``torch.enable_grad()`` and ``requires_grad_()`` on copies), and
its inputs' values, versions and ``requires_grad`` flags are compared afterwards.
"""

from __future__ import annotations

import torch

from helper.checks.core import CheckFailed
from helper.checks.two_layer_backward import (autograd_gradients, expect_gradient_check, expect_gradients,
                                              float32_tolerance, float64_tolerance, random_problem)
from helper.i18n import message

from . import run_in_process

LESSON = "05_backprop"
ANSWER_CELL = "two_layer_backward"
DEFINES = ("two_layer_backward",)
CONTEXT = "import torch"
FORBIDDEN_NAMES = ("backward", "autograd", "grad", "requires_grad", "requires_grad_", "enable_grad",
                   "set_grad_enabled", "func", "vjp", "jacrev", "jacfwd")
"""Autograd's entry points, which the lesson forbids by name: ``loss.backward()``, ``torch.autograd.grad``,
``requires_grad``, switching grad mode back on, ``torch.func``. (The probe catches their use at run time too.)"""

# (N, D, H): one of everything, square, more inputs than examples, wide hidden layers, one hidden unit.
SIZES = [(1, 1, 1), (2, 2, 2), (5, 3, 4), (16, 4, 8), (7, 10, 3), (32, 2, 16), (3, 6, 1)]


def _cases(device: str):
    """Named float64 problems: random ones, then labels that are all 1 or all 0."""
    for seed, (n, d, h) in enumerate(SIZES, start=100):
        yield f"N={n}, D={d}, H={h}", random_problem(n, d, h, seed=seed, device=device)
    X, _, W1, W2 = random_problem(6, 3, 5, seed=7, device=device)
    yield "every label 1", (X, torch.ones(6, 1, dtype=X.dtype, device=device), W1, W2)
    yield "every label 0", (X, torch.zeros(6, 1, dtype=X.dtype, device=device), W1, W2)


def cases(device: str):
    for name, (X, y, W1, W2) in _cases(device):
        yield f"{name}, float64, {device}", {"X": X, "y": y, "W1": W1, "W2": W2}
    X, y, W1, W2 = random_problem(8, 3, 5, seed=8, dtype=torch.float32, device=device)
    yield f"N=8, D=3, H=5, float32, {device}", {"X": X, "y": y, "W1": W1, "W2": W2}


def judge(case: str, inputs: dict, outputs: dict) -> None:
    if outputs["autograd"]:
        raise CheckFailed(message("two_layer_backward_autograd"))
    if outputs["input_changed"]:
        raise CheckFailed(message("input_modified", name="two_layer_backward"))
    problem = tuple(inputs[key] for key in ("X", "y", "W1", "W2"))
    result, where = outputs["result"], f" for {case}"
    if problem[0].dtype == torch.float64:
        expect_gradients(result, autograd_gradients(*problem), n=len(problem[0]), where=where, **float64_tolerance())
        expect_gradient_check(result, *problem, where=where)
    else:
        expect_gradients(result, autograd_gradients(*problem), n=len(problem[0]), where=where, **float32_tolerance())


def hidden_tests(two_layer_backward, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first problem where ``two_layer_backward`` is wrong."""
    run_in_process("two_layer_backward", (two_layer_backward,), devices)
