# expect: global_rng
# Forgets to pass the generator: torch.randperm draws from torch's global random state.
def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    order = torch.randperm(len(dataset)).tolist()
    return Subset(dataset, order[n_val:]), Subset(dataset, order[:n_val])
