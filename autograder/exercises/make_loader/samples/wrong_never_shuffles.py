# expect: not_shuffled
# Ignores the shuffle argument: the samples always come in their stored order.
def make_loader(X, y, batch_size, shuffle):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size)
