# Also right: choose the sampler yourself; this is what shuffle=True/False does inside the DataLoader.
from torch.utils.data import RandomSampler, SequentialSampler


def make_loader(X, y, batch_size, shuffle):
    dataset = TensorDataset(X, y)
    sampler = RandomSampler(dataset) if shuffle else SequentialSampler(dataset)
    return DataLoader(dataset, batch_size=batch_size, sampler=sampler, drop_last=False)
