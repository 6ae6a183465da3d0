# expect: len_drop_last
# Drops the last, smaller batch: some samples are never trained on in an epoch.
def make_loader(X, y, batch_size, shuffle):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, drop_last=True)
