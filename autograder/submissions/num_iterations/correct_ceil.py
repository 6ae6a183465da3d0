# The lesson's answer: round the batches per epoch up (the last partial batch is a step), times epochs.
def num_iterations(n_samples, batch_size, epochs):
    return math.ceil(n_samples / batch_size) * epochs
