# expect: floor
# Rounds to the nearest integer: 60000 / 64 = 937.5 happens to round up, but 10 / 4 = 2.5 rounds to 2.
def num_iterations(n_samples, batch_size, epochs):
    return round(n_samples / batch_size) * epochs
