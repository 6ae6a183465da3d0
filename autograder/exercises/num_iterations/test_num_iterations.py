"""What the num_iterations exercise tells a student, beyond the contract of ``tests/test_exercises.py``."""

from __future__ import annotations

import math

import pytest

from autograder.checking import check, hidden_tests
from autograder.exercise import exercise
from autograder.exercises.num_iterations.reference import expected
from autograder.verdict import CheckFailed
from helper.i18n import set_language


def failure(fn, *, hidden: bool = False) -> CheckFailed:
    with pytest.raises(CheckFailed) as raised:
        if hidden:
            hidden_tests("num_iterations", fn, devices=["cpu"])
        else:
            check("num_iterations", fn)
    return raised.value


def test_the_worked_counts_of_the_lesson():
    counts = {(60_000, 64, 1): 938, (60_000, 64, 10): 9380, (50, 100, 3): 3, (64, 64, 0): 0,
              (2**53 + 1, 1, 1): 2**53 + 1}
    for (n, b, e), steps in counts.items():
        assert expected({"n_samples": n, "batch_size": b, "epochs": e})["right"] == steps


@pytest.mark.parametrize("value, shown", [(938.0, "938.0, a float"), ("938", "'938', a str"),
                                          (None, "None, a NoneType"), (True, "True, a bool")])
def test_a_count_that_is_not_an_int_is_refused(value, shown):
    refused = failure(lambda n_samples, batch_size, epochs: value)
    assert refused.message_id == "num_iterations.not_int"
    assert shown in str(refused) and "return a Python int" in str(refused)


@pytest.mark.parametrize("fn, words", [
    (lambda n, b, e: n // b * e, "num_iterations(60000, 64, 1) returned 937, expected 938: you rounded down"),
    (lambda n, b, e: -(-n // b), "returned 938, expected 9380: that is the number of steps in ONE epoch"),
    (lambda n, b, e: (n // b + 1) * e, "returned 22, expected 20: 100 samples divide evenly"),
    (lambda n, b, e: -(-n * e // b), "returned 9375, expected 9380: you divided all 10 epochs' samples"),
    (lambda n, b, e: -(-n // b) * e + 1, "returned 939, expected 938 (⌈60000 / 64⌉ = 938 steps per epoch"),
])
def test_each_mistake_is_named(fn, words):
    assert words in str(failure(fn))


def test_float_division_fails_beyond_two_to_the_53_and_says_why():
    told = failure(lambda n, b, e: math.ceil(n / b) * e, hidden=True)
    assert told.message_id == "num_iterations.float_division"
    assert "2**53" in str(told) and "(n + b - 1) // b" in str(told)
    set_language("zh")
    assert "浮点数只能精确表示" in str(failure(lambda n, b, e: math.ceil(n / b) * e, hidden=True))


def test_the_hidden_cases_count_beyond_floats_and_cover_the_edges():
    cases = [c for seed in (1, 2, 3) for c in exercise("num_iterations").cases("cpu", seed=seed)]
    numbers = [(c.inputs["n_samples"], c.inputs["batch_size"], c.inputs["epochs"]) for c in cases if c.hidden]
    assert sum(n > 2**53 for n, _, _ in numbers) >= 20
    assert any(b == 1 for _, b, _ in numbers) and any(b > n for n, b, _ in numbers)
    assert any(e == 0 for _, _, e in numbers)
    # Each beyond-float case is one a float ceiling gets wrong.
    for n, b, e in numbers:
        if n > 2**53:
            assert math.ceil(n / b) * e != -(-n // b) * e, (n, b, e)


def test_shortcuts_that_break_an_edge_fail_the_hidden_tests():
    """Batch 1, a batch larger than the data, zero epochs: each breaks one tempting shortcut."""
    failure(lambda n, b, e: ((n - 1) // b + 1) * e + (e > 0 and b == 1), hidden=True)
    failure(lambda n, b, e: max(1, -(-n // b) * e), hidden=True)  # at least one step, even with zero epochs
    failure(lambda n, b, e: -(-n // min(n, b)) * e + (b > n), hidden=True)  # min(n, b) confused for b
