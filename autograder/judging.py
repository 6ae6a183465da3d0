"""What judges share: comparisons that explain themselves, in the student's language.

A judge (``autograder/exercises/<name>/judge.py``) compares what a probe observed with what the
exercise expects. A bare ``assert torch.allclose(a, b)`` tells a beginner nothing; these fail with
the first thing that differs (type, shape, dtype, device, NaN, which value is off by how much),
through a catalogue message id.
"""

from __future__ import annotations

import torch

from helper.i18n import message

from .probing import FAILED
from .verdict import CheckFailed, fail


def passed(what: str) -> None:
    """Tell the student one check passed."""
    print(message("check_passed", what=what))


def expect_answered(observed) -> None:
    """Fail with the probe's message when the answer failed before giving anything to compare."""
    if not isinstance(observed, dict):
        fail("no_results")
    failed = observed.get(FAILED)
    if isinstance(failed, dict) and isinstance(failed.get("id"), str):
        fields = failed.get("fields") if isinstance(failed.get("fields"), dict) else {}
        try:
            fail(failed["id"], **fields)
        except (KeyError, IndexError, ValueError):  # an id or fields no probe sends: forged or broken
            raise CheckFailed(one_line(failed.get("text", "")), "crashed_plain") from None
    if failed is not None:
        raise CheckFailed(one_line(failed))


def expect_tensor(actual, expected: torch.Tensor, what: str, *, atol: float = 1e-6,
                  rtol: float = 1e-5) -> None:
    """Fail with the first difference between ``actual`` and ``expected``: type, shape, dtype, device, values."""
    actual, expected = expect_like(actual, expected, what), expected.detach()
    not_finite = ~torch.isfinite(actual) & torch.isfinite(expected)
    if not_finite.any():
        fail("not_finite", what=what, count=int(not_finite.sum()), where=where(not_finite))
    wrong = ~torch.isclose(actual, expected, rtol=rtol, atol=atol, equal_nan=True)
    if wrong.any():
        index = _first_index(wrong)
        got, want = actual[index].item(), expected[index].item()
        fail("wrong_values", what=what, where=where(wrong), actual=f"{got:.6g}", expected=f"{want:.6g}",
             diff=f"{abs(got - want):.3g}", count=int(wrong.sum()), total=wrong.numel())


def where(mask: torch.Tensor) -> str:
    """Where the first True of ``mask`` is, said in the current language (a scalar has no index)."""
    index = _first_index(mask)
    return message("at_index", index=index) if index else message("at_scalar")


def expect_unchanged(changed: bool, name: str) -> None:
    """Fail if the probe saw the student's function write into its input."""
    if changed:
        fail("input_modified", name=name)


def expect_no_operators(used, forbidden: dict[str, str], name: str) -> None:
    """Fail if any operator in ``used`` is one of ``forbidden`` (ATen name → name to show)."""
    used = set(used) if isinstance(used, (list, tuple, set)) else set()
    shown = sorted({shown for op, shown in forbidden.items() if op in used})
    if shown:
        fail("forbidden_call", name=name, forbidden=", ".join(shown))


def type_name(value) -> str:
    """What a student's function returned, by type; the judge receives non-data as ``autograder.wire.Returned``."""
    shown = getattr(value, "type_name", None) if type(value).__name__ == "Returned" else None
    return shown if isinstance(shown, str) else type(value).__name__


def one_line(text, limit: int = 300) -> str:
    """Text from the student's process, fit for a CSV cell: one line, bounded."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_index(mask: torch.Tensor) -> tuple[int, ...]:
    return tuple(int(i) for i in mask.nonzero()[0]) if mask.dim() else ()


def expect_float(value, message_id: str, **fields) -> None:
    """Fail with ``message_id`` (its ``{kind}`` filled in) unless ``value`` is a Python float (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, float):
        fail(message_id, kind=type_name(value), **fields)


def expect_like(actual, expected: torch.Tensor, what: str) -> torch.Tensor:
    """``actual`` is a tensor of ``expected``'s shape, dtype and device (its values are the judge's business)."""
    # Exactly a Tensor: a subclass could override the comparisons and pass anything.
    if type(actual) is not torch.Tensor:
        fail("not_tensor", what=what, kind=type_name(actual))
    if actual.shape != expected.shape:
        fail("wrong_shape", what=what, actual=tuple(actual.shape), expected=tuple(expected.shape))
    if actual.dtype != expected.dtype:
        fail("wrong_dtype", what=what, actual=actual.dtype, expected=expected.dtype)
    if actual.device != expected.device:
        fail("wrong_device", what=what, actual=actual.device, expected=expected.device)
    return actual.detach()


def first_difference(actual: torch.Tensor, expected: torch.Tensor, *, rtol: float, atol: float) -> dict | None:
    """Where ``actual`` first differs from ``expected`` (fields for a message), or None when they are close."""
    actual, expected = actual.detach(), expected.detach()
    if expected.is_floating_point():
        wrong = ~torch.isclose(actual.to(expected.dtype), expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        wrong = actual != expected
    if not wrong.any():
        return None
    index = _first_index(wrong)
    return {"where": index, "actual": f"{actual[index].item():.6g}", "expected": f"{expected[index].item():.6g}",
            "count": int(wrong.sum()), "total": wrong.numel()}


def forward_passes(calls) -> list[tuple[bool, bool]]:
    """A training-loop probe's ``[training, grad_enabled]`` per forward pass (``autograder.spies``), checked."""
    if type(calls) is not list or not all(type(c) in (list, tuple) and len(c) == 2
                                          and all(type(v) is bool for v in c) for c in calls):
        raise ValueError("the report of the forward passes is malformed")
    return [(training, grad) for training, grad in calls]


MEMORY_GROWS = 2
"""Batches held alive (besides the previous one) from which a loop's memory is said to grow with the batches."""


def expect_no_growth(kept, n_batches: int, message_id: str) -> None:
    """No more than the previous batch's tensors alive while a batch runs, nor after the loop (``Retention``)."""
    count = batches_kept(kept)
    if count >= MEMORY_GROWS:
        fail(message_id, count=count, total=n_batches)


def batches_kept(kept) -> int:
    """The most batches a training-loop probe saw alive besides the previous one (``Retention.report``)."""
    if type(kept) is not dict or not all(type(kept.get(k)) is int for k in ("during", "after")):
        raise ValueError("the report of the batches kept alive is malformed")
    return max(kept["during"], kept["after"])


def expect_all_like(actual, expected: list[torch.Tensor], what_id: str) -> list[torch.Tensor]:
    """A reported list of tensors, each like its ``expected`` (:func:`expect_like`); ``what_id`` names one by ``{index}``."""
    if type(actual) is not list or len(actual) != len(expected):
        raise ValueError("the report of the tensors is malformed")
    return [expect_like(a, e, message(what_id, index=index)) for index, (a, e) in enumerate(zip(actual, expected))]
