"""evaluate(model, loader, device): the second lesson-6 exercise, whole (see ``exercise.toml``)."""
