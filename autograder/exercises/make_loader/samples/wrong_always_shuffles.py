# expect: shuffled
# Ignores the shuffle argument the other way: shuffles even when asked not to.
def make_loader(X, y, batch_size, shuffle):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True)
