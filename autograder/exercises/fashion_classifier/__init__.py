"""build_model() and fit(model, train_loader, epochs): the lesson-9 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
