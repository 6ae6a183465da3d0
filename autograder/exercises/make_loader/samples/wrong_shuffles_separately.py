# expect: misaligned
# Shuffles X and y with two different permutations: xb[i] and yb[i] no longer belong together.
def make_loader(X, y, batch_size, shuffle):
    if shuffle:
        X = X[torch.randperm(len(X))]
        y = y[torch.randperm(len(y))]
    return DataLoader(TensorDataset(X, y), batch_size=batch_size)
