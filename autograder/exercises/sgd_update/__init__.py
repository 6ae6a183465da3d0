"""sgd_update(parameters, lr): the second lesson-3 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
