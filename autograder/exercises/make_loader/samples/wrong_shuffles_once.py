# expect: same_order
# Shuffles the tensors once, then wraps them in a DataLoader without shuffling: every epoch repeats that order.
def make_loader(X, y, batch_size, shuffle):
    if shuffle:
        order = torch.randperm(len(X))
        X, y = X[order], y[order]
    return DataLoader(TensorDataset(X, y), batch_size=batch_size)
