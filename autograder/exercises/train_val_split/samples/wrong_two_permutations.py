# expect: overlap
# Draws two permutations, one per part: some samples land in both, others in neither.
def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    val = torch.randperm(len(dataset), generator=generator)[:n_val].tolist()
    train = torch.randperm(len(dataset), generator=generator)[n_val:].tolist()
    return Subset(dataset, train), Subset(dataset, val)
