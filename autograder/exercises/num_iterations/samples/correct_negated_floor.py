# Also right: ceiling division as a negated floor division, -(-n // b), exact for any int.
def num_iterations(n_samples, batch_size, epochs):
    return -(-n_samples // batch_size) * epochs
