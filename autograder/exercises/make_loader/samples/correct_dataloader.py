# The lesson's answer: a TensorDataset keeps each (x, y) pair together, the DataLoader batches and shuffles.
def make_loader(X, y, batch_size, shuffle):
    dataset = TensorDataset(X, y)
    return DataLoader(dataset, batch_size=batch_size, shuffle=shuffle)
