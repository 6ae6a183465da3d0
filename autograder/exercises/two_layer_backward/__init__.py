"""two_layer_backward(X, y, W1, W2): the lesson-5 exercise, whole (see ``exercise.toml`` and :mod:`autograder.exercise`)."""
