# expect: not_once
# Draws the samples with replacement: in an epoch some samples come twice and others never.
from torch.utils.data import RandomSampler


def make_loader(X, y, batch_size, shuffle):
    dataset = TensorDataset(X, y)
    sampler = RandomSampler(dataset, replacement=True) if shuffle else None
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler)
