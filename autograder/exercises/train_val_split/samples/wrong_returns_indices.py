# expect: not_subset
# Returns the two index tensors, not Subsets of the data set: a DataLoader cannot take them.
def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    order = torch.randperm(len(dataset), generator=generator)
    return order[n_val:], order[:n_val]
