# expect: not_pair
# Builds the loader on X alone: each batch is a tensor of samples, with no labels to unpack.
def make_loader(X, y, batch_size, shuffle):
    return DataLoader(X, batch_size=batch_size, shuffle=shuffle)
