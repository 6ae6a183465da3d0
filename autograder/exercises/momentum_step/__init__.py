"""momentum_step(params, velocities, lr, momentum): the lesson-7 exercise, whole (see ``exercise.toml``)."""
