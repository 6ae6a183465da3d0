# expect: not_shuffled
# Cuts the data set as it is stored: the last samples (often all of one class, or the newest) become the validation set.
def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    n_train = len(dataset) - n_val
    return Subset(dataset, range(n_train)), Subset(dataset, range(n_train, len(dataset)))
