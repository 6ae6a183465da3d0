# expect: not_loader
# Makes the batches once and returns a list: every epoch repeats the same batches in the same order.
def make_loader(X, y, batch_size, shuffle):
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)
    return list(loader)
