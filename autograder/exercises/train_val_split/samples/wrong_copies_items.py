# expect: touches_items
# Copies every item into two lists: a Python call per sample, and the data duplicated in memory.
def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    order = torch.randperm(len(dataset), generator=generator).tolist()
    return [dataset[i] for i in order[n_val:]], [dataset[i] for i in order[:n_val]]
