# expect: extra_batch
# Always adds one batch for the remainder, even when the samples divide evenly (100 / 10 → 11).
def num_iterations(n_samples, batch_size, epochs):
    return (n_samples // batch_size + 1) * epochs
