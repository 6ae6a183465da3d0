"""make_loader(X, y, batch_size, shuffle): the lesson-8 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
