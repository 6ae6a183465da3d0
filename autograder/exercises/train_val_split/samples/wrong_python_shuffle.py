# expect: global_rng
# Shuffles a list of indices with Python's random module: another global random state.
import random


def train_val_split(dataset, val_fraction, generator):
    order = list(range(len(dataset)))
    random.shuffle(order)
    n_val = int(len(dataset) * val_fraction)
    return Subset(dataset, order[n_val:]), Subset(dataset, order[:n_val])
