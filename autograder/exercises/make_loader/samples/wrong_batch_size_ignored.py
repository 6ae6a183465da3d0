# expect: len_batch_size
# Forgets to pass batch_size: the DataLoader's default is 1, one sample per step.
def make_loader(X, y, batch_size, shuffle):
    return DataLoader(TensorDataset(X, y), shuffle=shuffle)
