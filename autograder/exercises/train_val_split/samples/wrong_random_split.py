# expect: forbidden_call
# Uses random_split, which the exercise asks you to write yourself (refused by its text, and seen running).
from torch.utils.data import random_split


def train_val_split(dataset, val_fraction, generator):
    n_val = int(len(dataset) * val_fraction)
    train, val = random_split(dataset, [len(dataset) - n_val, n_val], generator=generator)
    return train, val
