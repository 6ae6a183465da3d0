"""Network: the lesson-2 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
