"""helper.tensor_loader: the same batches as the plain DataLoader, one indexing per batch."""

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from helper import tensor_loader

from conftest import DEVICES


def batches(loader) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(x.clone(), y.clone()) for x, y in loader]


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("n, batch_size", [(1000, 128), (256, 64), (5, 8)])
def test_it_yields_exactly_what_the_plain_dataloader_yields_epoch_after_epoch(shuffle, n, batch_size):
    images = torch.randn(n, 1, 4, 4, generator=torch.Generator().manual_seed(1))
    labels = torch.arange(n)
    fast = tensor_loader(images, labels, batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(7))
    plain = DataLoader(TensorDataset(images, labels), batch_size=batch_size, shuffle=shuffle,
                       generator=torch.Generator().manual_seed(7))
    assert len(fast) == len(plain) == -(-n // batch_size)
    for _epoch in range(3):  # a new order each epoch, the same one in both
        got, expected = batches(fast), batches(plain)
        assert len(got) == len(expected)
        for (x, y), (x_ref, y_ref) in zip(got, expected):
            assert torch.equal(x, x_ref) and torch.equal(y, y_ref)
    if shuffle and n > batch_size:
        assert not torch.equal(got[0][1], labels[:batch_size])  # it did shuffle


def test_it_indexes_each_tensor_once_per_batch_not_once_per_sample():
    calls = []

    class CountingDataset(TensorDataset):
        def __getitem__(self, index):
            calls.append(index)
            return super().__getitem__(index)

    images, labels = torch.randn(300, 3), torch.arange(300)
    loader = tensor_loader(images, labels, 100)
    loader.dataset.__class__ = CountingDataset
    assert [len(y) for _, y in loader] == [100, 100, 100]
    assert len(calls) == 3 and all(len(index) == 100 for index in calls)


@pytest.mark.parametrize("device", DEVICES)
def test_batches_stay_on_the_tensors_device(device):
    """On a GPU the whole data set sits there, and so does every batch: nothing is copied per batch."""
    images, labels = torch.randn(10, 2, device=device), torch.arange(10, device=device)
    x, y = next(iter(tensor_loader(images, labels, 4, shuffle=True, generator=torch.Generator().manual_seed(0))))
    assert x.device == images.device and y.device == labels.device and x.shape == (4, 2)
