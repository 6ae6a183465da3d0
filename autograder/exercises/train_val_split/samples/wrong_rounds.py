# expect: val_rounded
# Rounds the validation size to nearest: 9 × 0.3 = 2.7 gives 3, the rule says 2.
def train_val_split(dataset, val_fraction, generator):
    n_val = round(len(dataset) * val_fraction)
    order = torch.randperm(len(dataset), generator=generator).tolist()
    return Subset(dataset, order[n_val:]), Subset(dataset, order[:n_val])
