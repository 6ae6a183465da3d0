"""device(), seed_everything() and progress(): small helpers every notebook uses."""

import matplotlib

matplotlib.use("Agg")

import importlib  # noqa: E402
import io  # noqa: E402
import random  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from helper.device import device  # noqa: E402
from helper.progress import progress  # noqa: E402
from helper.seeding import seed_everything  # noqa: E402

# helper/__init__.py re-exports the function under the module's name, so fetch the module itself.
progress_module = importlib.import_module("helper.progress")


# device ----------------------------------------------------------------------------------------

class FakeAccelerator:
    """``torch.accelerator`` as a machine with ``kind`` (None: no accelerator) would report it."""

    def __init__(self, kind):
        self.kind = kind

    def is_available(self):
        return self.kind is not None

    def current_accelerator(self):
        return torch.device(self.kind) if self.kind else None


@pytest.mark.parametrize("kind", ["cuda", "mps", "xpu"])
def test_device_is_the_current_accelerator(monkeypatch, kind):
    monkeypatch.setattr(torch, "accelerator", FakeAccelerator(kind))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)  # not asked: MPS and XPU count too
    assert device() == torch.device(kind)


def test_device_is_cpu_without_an_accelerator(monkeypatch):
    monkeypatch.setattr(torch, "accelerator", FakeAccelerator(None))
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # torch.accelerator has the last word
    assert device() == torch.device("cpu")


@pytest.mark.parametrize("cuda", [True, False])
def test_device_without_torch_accelerator_asks_cuda(monkeypatch, cuda):
    """A torch older than 2.6 has no ``torch.accelerator``: CUDA or the CPU."""
    monkeypatch.delattr(torch, "accelerator")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    assert device() == torch.device("cuda" if cuda else "cpu")


def test_device_matches_this_machine():
    expected = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else None
    assert device() == (torch.device(expected.type) if expected is not None else torch.device("cpu"))


# seed_everything -------------------------------------------------------------------------------

def draws():
    return torch.rand(5).tolist(), np.random.rand(5).tolist(), [random.random() for _ in range(5)]


def test_seed_everything_repeats_torch_numpy_and_python():
    seed_everything(123)
    first = draws()
    seed_everything(123)
    assert draws() == first
    seed_everything(124)
    assert draws() != first


def test_seed_everything_returns_a_seeded_generator_for_data_loaders():
    generator = seed_everything(7)
    assert isinstance(generator, torch.Generator) and generator.initial_seed() == 7
    data = list(range(20))
    order = [batch.tolist() for batch in torch.utils.data.DataLoader(data, batch_size=5, shuffle=True,
                                                                     generator=generator)]
    again = [batch.tolist() for batch in torch.utils.data.DataLoader(data, batch_size=5, shuffle=True,
                                                                     generator=seed_everything(7))]
    assert order == again and order != [data[i:i + 5] for i in range(0, 20, 5)]


def test_seed_everything_seeds_every_cuda_device(monkeypatch):
    seeds = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", seeds.append)
    seed_everything(5)
    assert seeds and set(seeds) == {5}


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_seed_everything_rejects_out_of_range_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        seed_everything(seed)


# progress --------------------------------------------------------------------------------------

def test_progress_iterates_every_item_and_counts_them():
    bar = progress(range(7), desc="epoch", file=io.StringIO())
    assert isinstance(bar, tqdm)
    assert list(bar) == list(range(7))
    assert bar.n == 7 and bar.desc.startswith("epoch")


def test_progress_sets_course_defaults_but_lets_callers_override(monkeypatch):
    calls = []
    monkeypatch.setattr(progress_module, "tqdm", lambda iterable, **kwargs: calls.append((iterable, kwargs)))
    progress([1, 2], desc="train")
    progress(total=3, leave=False)
    assert calls[0] == ([1, 2], {"desc": "train", "dynamic_ncols": True, "leave": True})
    assert calls[1] == (None, {"desc": None, "total": 3, "dynamic_ncols": True, "leave": False})


def test_progress_without_iterable_updates_manually():
    with progress(total=3, file=io.StringIO()) as bar:
        for _ in range(3):
            bar.update()
    assert bar.n == 3
