# expect: val_rounded
# Rounds the training size down first: the validation set gets what is left, rounded up.
def train_val_split(dataset, val_fraction, generator):
    n_train = int(len(dataset) * (1 - val_fraction))
    order = torch.randperm(len(dataset), generator=generator).tolist()
    return Subset(dataset, order[:n_train]), Subset(dataset, order[n_train:])
