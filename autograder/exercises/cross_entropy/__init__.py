"""cross_entropy(logits, targets): the lesson-4 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
