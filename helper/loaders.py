"""Batches from tensors held in memory, one indexing per batch: the course's fast ``DataLoader``.

``DataLoader(TensorDataset(X, y), batch_size=128, shuffle=True)`` fetches a batch sample by sample
(``dataset[i]`` 128 times) and stacks the pieces (``collate``): per batch, hundreds of small Python
calls, which on a CPU cost as much as the training step of a small network. A ``TensorDataset``
can also be indexed with a whole list of indices at once. So the sampler hands out whole batches
(``BatchSampler``) and the loader's own batching is switched off (``batch_size=None``): each batch
is then one indexing of each tensor. The order is the one the plain DataLoader would use with the
same generator, so a lesson trains the same model, only faster (lesson 6 times both).
"""

from __future__ import annotations

import torch
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset


def tensor_loader(images: torch.Tensor, labels: torch.Tensor, batch_size: int, shuffle: bool = False,
                  generator: torch.Generator | None = None) -> DataLoader:
    """Batches ``(images[i:j], labels[i:j])`` of ``batch_size`` (the last may be smaller), shuffled each epoch if asked.

    Yields exactly what ``DataLoader(TensorDataset(images, labels), batch_size, shuffle=shuffle,
    generator=generator)`` yields, batch for batch. ``len()`` is the number of batches, ``.dataset``
    the ``TensorDataset``; ``.batch_size`` is None, as for any loader whose sampler makes the batches.
    """
    dataset = TensorDataset(images, labels)
    order = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
    return DataLoader(dataset, sampler=BatchSampler(order, batch_size, drop_last=False), batch_size=None,
                      generator=generator)
