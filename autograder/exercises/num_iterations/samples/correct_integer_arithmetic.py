# Also right: ceiling division in integers only, (n + b - 1) // b, with no float on the way.
def num_iterations(n_samples, batch_size, epochs):
    steps_per_epoch = (n_samples + batch_size - 1) // batch_size
    return steps_per_epoch * epochs
