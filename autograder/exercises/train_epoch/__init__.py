"""train_epoch(model, loader, criterion, optimizer, device): the first lesson-6 exercise, whole (see ``exercise.toml``)."""
