# expect: ignores_generator
# Reseeds the generator it is given: every call gives the same split, whatever the caller's seed.
def train_val_split(dataset, val_fraction, generator):
    generator.manual_seed(0)
    n_val = int(len(dataset) * val_fraction)
    order = torch.randperm(len(dataset), generator=generator).tolist()
    return Subset(dataset, order[n_val:]), Subset(dataset, order[:n_val])
