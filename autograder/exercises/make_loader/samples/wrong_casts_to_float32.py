# expect: dtype
# Converts the data on the way: float64 features come out as float32.
def make_loader(X, y, batch_size, shuffle):
    return DataLoader(TensorDataset(X.float(), y), batch_size=batch_size, shuffle=shuffle)
