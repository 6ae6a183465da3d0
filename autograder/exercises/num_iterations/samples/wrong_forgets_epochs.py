# expect: no_epochs
# Counts the steps of one epoch only.
def num_iterations(n_samples, batch_size, epochs):
    return math.ceil(n_samples / batch_size)
