# expect: swapped
# Returns the parts in the other order: (val_subset, train_subset).
def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    order = torch.randperm(len(dataset), generator=generator).tolist()
    return Subset(dataset, order[:n_val]), Subset(dataset, order[n_val:])
