# Also right: the training set first in the permutation, the indices kept as tensors, math.floor for the size.
def train_val_split(dataset, val_fraction, generator):
    n = len(dataset)
    n_train = n - math.floor(n * val_fraction)
    order = torch.randperm(n, generator=generator)
    return Subset(dataset, order[:n_train]), Subset(dataset, order[n_train:])
