"""The num_iterations exercise's feedback: what the visible checks tell a student about each mistake.

(The tests every exercise gets are in ``exercise_feedback.py``; pass and fail of every sample answer,
on every device, is in ``test_exercises.py``.)
"""

import pytest

from autograder.exercises.num_iterations import hidden_tests
from helper.checks import CheckFailed
from helper.checks.num_iterations import check_num_iterations, expected_iterations

from exercise_feedback import ExerciseFeedback

pytestmark = pytest.mark.usefixtures("english")


class TestNumIterationsFeedback(ExerciseFeedback):
    exercise = "num_iterations"
    check = staticmethod(check_num_iterations)
    expected_feedback = {
        "wrong_floor_division": "num_iterations(60000, 64, 1) returned 937, expected 938: you rounded down",
        "wrong_forgets_epochs": "returned 938, expected 9380: that is the number of steps in ONE epoch",
        "wrong_numpy_float": "returned np.float64(938.0), a float64",
        "wrong_round": "num_iterations(10, 4, 1) returned 2, expected 3: you rounded down",
        "wrong_plus_one": "num_iterations(100, 10, 2) returned 22, expected 20: 100 samples divide evenly",
        "wrong_one_stream": "returned 9375, expected 9380: you divided all 10 epochs' samples",
    }
    zh_feedback = {"wrong_floor_division": "你向下取整了"}
    fools_visible_checks = {"wrong_hard_coded": "you rounded down"}


def test_the_worked_count_of_the_lesson():
    assert expected_iterations(60_000, 64, 1) == 938
    assert expected_iterations(60_000, 64, 10) == 9380
    assert expected_iterations(50, 100, 3) == 3
    assert expected_iterations(64, 64, 0) == 0


@pytest.mark.parametrize("value", [938.0, "938", None, True])
def test_a_count_that_is_not_an_int_is_refused(value):
    with pytest.raises(CheckFailed, match="return a Python int"):
        check_num_iterations(lambda n_samples, batch_size, epochs: value)


def test_hidden_tests_cover_the_edge_cases():
    """Batch 1, a batch larger than the data, zero epochs: each breaks one tempting shortcut."""
    with pytest.raises(CheckFailed):  # (n - 1) // b + 1 per epoch, plus one "for safety"
        hidden_tests(lambda n, b, e: ((n - 1) // b + 1) * e + (e > 0 and b == 1))
    with pytest.raises(CheckFailed):  # at least one step, even with zero epochs
        hidden_tests(lambda n, b, e: max(1, -(-n // b) * e))
    with pytest.raises(CheckFailed):  # min(n, b) confused for b
        hidden_tests(lambda n, b, e: -(-n // min(n, b)) * e + (b > n))
