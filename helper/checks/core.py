"""Comparisons that explain themselves: shape, dtype, device, NaN, and which value is off by how much.

A bare ``assert torch.allclose(a, b)`` tells a beginner nothing; these raise :class:`CheckFailed`
with the first thing that differs, in the notebook's language.
"""

from __future__ import annotations

from contextlib import contextmanager

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from ..i18n import message


class CheckFailed(AssertionError):
    """A check that did not pass; its text is meant for the student."""


def passed(what: str) -> None:
    """Tell the student one check passed."""
    print(message("check_passed", what=what))


def call(fn, *args, name: str):
    """Call the student's ``fn``, turning "not written yet" and crashes into readable failures."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise CheckFailed(message("not_implemented", name=name)) from None
    except CheckFailed:
        raise
    except Exception as error:
        shapes = ", ".join(_describe(a) for a in args)
        raise CheckFailed(message("crashed", name=name, args=shapes,
                                  error=type(error).__name__, detail=error)) from error


def expect_tensor(actual, expected: torch.Tensor, what: str, *, atol: float = 1e-6,
                  rtol: float = 1e-5) -> None:
    """Fail with the first difference between ``actual`` and ``expected``: type, shape, dtype, device, values."""
    # Exactly a Tensor: a subclass could override the comparisons below and pass anything.
    if type(actual) is not torch.Tensor:
        raise CheckFailed(message("not_tensor", what=what, kind=type_name(actual)))
    if actual.shape != expected.shape:
        raise CheckFailed(message("wrong_shape", what=what, actual=tuple(actual.shape),
                                  expected=tuple(expected.shape)))
    if actual.dtype != expected.dtype:
        raise CheckFailed(message("wrong_dtype", what=what, actual=actual.dtype, expected=expected.dtype))
    if actual.device != expected.device:
        raise CheckFailed(message("wrong_device", what=what, actual=actual.device, expected=expected.device))
    actual, expected = actual.detach(), expected.detach()
    not_finite = ~torch.isfinite(actual) & torch.isfinite(expected)
    if not_finite.any():
        raise CheckFailed(message("not_finite", what=what, count=int(not_finite.sum()),
                                  index=_first_index(not_finite)))
    wrong = ~torch.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    if wrong.any():
        index = _first_index(wrong)
        got, want = actual[index].item(), expected[index].item()
        raise CheckFailed(message("wrong_values", what=what, index=index, actual=f"{got:.6g}",
                                  expected=f"{want:.6g}", diff=f"{abs(got - want):.3g}",
                                  count=int(wrong.sum()), total=wrong.numel()))


def expect_unchanged(tensor: torch.Tensor, version_before: int, original: torch.Tensor, name: str) -> None:
    """Fail if the student's function wrote into its input (even if it wrote the old values back)."""
    if tensor._version != version_before or not torch.equal(tensor, original):
        raise CheckFailed(message("input_modified", name=name))


class _OperatorLog(TorchDispatchMode):
    """Records the name of every ATen operator that runs, however Python reached it."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # Otherwise torch wraps __torch_dispatch__ in torch._disable_dynamo, whose first call
        # imports torch._dynamo: about 2 s in every check cell, for code that is never compiled.
        return False

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.add(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


@contextmanager
def operator_log():
    """Record the name of every ATen operator run inside the block (``log.names``)."""
    log = _OperatorLog()
    with log:
        yield log


def expect_no_operators(used: set[str] | list[str], forbidden: dict[str, str], name: str) -> None:
    """Fail if any operator in ``used`` is one of ``forbidden`` (ATen name → name to show)."""
    shown = sorted({shown for op, shown in forbidden.items() if op in set(used)})
    if shown:
        raise CheckFailed(message("forbidden_call", name=name, forbidden=", ".join(shown)))


@contextmanager
def forbid_operators(forbidden: dict[str, str], name: str):
    """Fail if code run inside the block used any of ``forbidden`` (ATen name → name to show).

    It works at the dispatcher, below Python, so ``torch.softmax``, ``F.softmax``, ``nn.Softmax``,
    a method call or a renamed reference are all seen, and a ``try``/``except`` in the student's
    code cannot hide the call: the log is read after the block ends.
    """
    with operator_log() as log:
        yield
    expect_no_operators(log.names, forbidden, name)


@contextmanager
def record_optimizers(log: list[str]):
    """Note the class of every torch.optim optimizer created inside the block (then restore torch.optim).

    Exercises that ask for a hand-written update use it to tell an answer that built an optimizer.
    """
    original = torch.optim.Optimizer.__init__

    def recording_init(self, *args, **kwargs):
        log.append(type(self).__name__)
        return original(self, *args, **kwargs)

    torch.optim.Optimizer.__init__ = recording_init
    try:
        yield
    finally:
        torch.optim.Optimizer.__init__ = original


def type_name(value) -> str:
    """What a student's function returned, by type; the judge receives non-data as ``autograder.wire.Returned``."""
    shown = getattr(value, "type_name", None) if type(value).__name__ == "Returned" else None
    return shown if isinstance(shown, str) else type(value).__name__


def _first_index(mask: torch.Tensor) -> tuple[int, ...]:
    return tuple(int(i) for i in mask.nonzero()[0])


def _describe(value) -> str:
    if isinstance(value, torch.Tensor):
        return f"tensor of shape {tuple(value.shape)}"
    return type(value).__name__
