"""helper.data: where the data sets are, and loading one into memory as tensors."""

import pytest
import torch
import torchvision

from helper.data import DATA_ROOT_VARIABLE, data_root, load_tensors


@pytest.mark.parametrize("name", ["MNIST", "FashionMNIST"])
def test_load_tensors_matches_torchvisions_own_transform(data_root, name):
    images, labels = load_tensors(name, train=False)
    assert images.shape == (10_000, 1, 28, 28) and images.dtype == torch.float32
    assert labels.shape == (10_000,) and labels.dtype == torch.int64
    reference = getattr(torchvision.datasets, name)(data_root, train=False,
                                                     transform=torchvision.transforms.ToTensor())
    for index in (0, 1234, 9999):
        image, label = reference[index]
        assert torch.equal(images[index], image) and labels[index].item() == label


def test_unknown_data_set_is_explained(data_root):
    with pytest.raises(ValueError, match="choose 'MNIST' or 'FashionMNIST'"):
        load_tensors("CIFAR10")


def test_missing_data_says_which_command_prepares_it(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_ROOT_VARIABLE, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="python -m course data"):
        data_root()
