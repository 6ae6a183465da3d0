"""LeNet: the first lesson-3 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
