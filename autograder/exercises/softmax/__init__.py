"""softmax(x): the lesson-1 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
