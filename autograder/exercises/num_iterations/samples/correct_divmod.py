# Also right: the full batches, plus one more when something is left over.
def num_iterations(n_samples, batch_size, epochs):
    full, rest = divmod(n_samples, batch_size)
    return (full + (1 if rest else 0)) * epochs
