"""train_val_split(dataset, val_fraction, generator): the first lesson-10 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
