# expect: one_stream
# Counts all epochs as one long stream of samples: each epoch has its own partial last batch.
def num_iterations(n_samples, batch_size, epochs):
    return math.ceil(n_samples * epochs / batch_size)
