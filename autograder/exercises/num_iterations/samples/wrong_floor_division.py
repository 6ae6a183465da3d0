# expect: floor
# Rounds down: forgets the last, smaller batch, which the DataLoader keeps (drop_last=False).
def num_iterations(n_samples, batch_size, epochs):
    return n_samples // batch_size * epochs
