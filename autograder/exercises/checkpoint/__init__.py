"""save_checkpoint(path, model, optimizer, epoch) and load_checkpoint(path, model, optimizer): the second lesson-10 exercise, whole (see ``exercise.toml``)."""
