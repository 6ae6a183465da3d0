"""Hidden tests for ``cross_entropy(logits, targets)``: many shapes, seeds, dtypes, devices, extreme logits.

The visible checks show the student three fixed inputs; these use fresh random ones, so an answer
that hard-codes the visible outputs, overflows or underflows on large logits, sums instead of
averaging, picks the wrong entries, writes into its inputs, calls torch's own loss or log-softmax,
or returns a loss autograd cannot differentiate correctly loses the points.
"""

from __future__ import annotations

import torch

from helper.checks.core import CheckFailed, expect_no_operators, expect_tensor
from helper.checks.cross_entropy import (CROSS_ENTROPY_OPERATORS, cross_entropy_tolerance, expect_loss,
                                        reference_gradient)
from helper.i18n import message

from . import one_line, run_in_process

LESSON = "04_losses_autograd"
ANSWER_CELL = "cross_entropy"
DEFINES = ("cross_entropy",)
CONTEXT = "import torch\nfrom torch import nn\nimport torch.nn.functional as F"
FORBIDDEN_NAMES = ("cross_entropy", "CrossEntropyLoss", "nll_loss", "NLLLoss", "log_softmax", "LogSoftmax",
                   "softmax", "Softmax")

# (N, C, scale of the logits): one example, two classes, a batch of digits, many classes.
SHAPES = [(1, 1, 1.0), (1, 10, 10.0), (3, 2, 1.0), (5, 7, 10.0), (64, 10, 1.0), (9, 100, 10.0), (3, 1000, 1.0)]
DTYPES = [torch.float32, torch.float64]


def _cases(dtype: torch.dtype, seed: int = 2025):
    """Named (logits, targets): random batches, then the edges of a log-softmax."""
    generator = torch.Generator().manual_seed(seed)
    for n, c, scale in SHAPES:
        logits = torch.randn(n, c, generator=generator, dtype=dtype) * scale
        targets = torch.randint(0, c, (n,), generator=generator)
        yield f"randn({n}, {c})*{scale}", logits, targets
    yield ("huge logits", torch.tensor([[1000.0, 1001.0, 999.0], [5000.0, 5000.0, 4990.0]], dtype=dtype),
           torch.tensor([2, 2]))
    yield ("huge negative logits", torch.tensor([[-1000.0, -1001.0, -999.0], [-1e4, -1e4 + 1, -1e4 + 2]], dtype=dtype),
           torch.tensor([1, 0]))
    yield ("true class far below the maximum",
           torch.tensor([[-1000.0, 0.0, 1000.0], [88.0, 89.0, 90.0], [200.0, -200.0, 0.0]], dtype=dtype),
           torch.tensor([0, 0, 1]))
    yield "equal logits", torch.full((4, 6), 3.5, dtype=dtype), torch.tensor([5, 0, 3, 5])
    yield ("every target the last class", torch.randn(6, 4, generator=generator, dtype=dtype),
           torch.full((6,), 3))


def cases(device: str):
    for dtype in DTYPES:
        for name, logits, targets in _cases(dtype):
            yield (f"cross_entropy(logits, targets) for {name}, {dtype}, {device}",
                   {"logits": logits.to(device), "targets": targets.to(device)})


def _expect_call(call: dict, logits: torch.Tensor, targets: torch.Tensor, what: str) -> None:
    """One call of the answer, as the probe saw it: no forbidden operator, inputs untouched, the right loss."""
    expect_no_operators(call["operators"], CROSS_ENTROPY_OPERATORS, name="cross_entropy")
    if call["input_changed"]:
        raise CheckFailed(message("input_modified", name="cross_entropy"))
    expect_loss(call["loss"], logits, targets, what)


def judge(case: str, inputs: dict, outputs: dict) -> None:
    logits, targets = inputs["logits"], inputs["targets"]
    # The loss of plain logits, then of logits that require grad, then autograd's gradient of the latter.
    _expect_call(outputs["plain"], logits, targets, case)
    _expect_call(outputs["with_grad"], logits, targets, case)
    failed = outputs.get("grad_failed")
    if failed is not None:
        raise CheckFailed(message("crashed", name="torch.autograd.grad", args="cross_entropy(logits, targets), logits",
                                  error=one_line(failed["error"], 60), detail=one_line(failed["detail"])))
    if outputs["loss_requires_grad"] is not True or outputs["grad"] is None:
        raise CheckFailed(message("cross_entropy_no_grad"))
    expect_tensor(outputs["grad"], reference_gradient(logits, targets), f"the gradient of {case}",
                  **cross_entropy_tolerance(logits))


def hidden_tests(cross_entropy, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first input where ``cross_entropy`` is wrong."""
    run_in_process("cross_entropy", (cross_entropy,), devices)
