"""num_iterations(n_samples, batch_size, epochs): the lesson-8 counting exercise, whole (see ``exercise.toml``)."""
