"""A training run interrupted by ``save_checkpoint`` and resumed by ``load_checkpoint`` in a fresh model and optimizer.

The probe trains the case's model (Linear → BatchNorm → ReLU → Linear, so that buffers count too) for
some steps, saves it with the answer's ``save_checkpoint`` after epoch ``epoch``, then saves another
run (a decoy, to another file) so that a checkpoint kept anywhere but in its file shows. It reads the
file back as the lesson says it must read, ``torch.load(path, weights_only=True)``, and notes whether it
holds the model's and an optimizer's state_dict. Then a fresh model and optimizer (other weights, no
optimizer state) go through the answer's ``load_checkpoint``; their state is reported as loaded, and
again after the same further steps the uninterrupted run took. Nothing here is compared: the judge
compares with the reference's uninterrupted run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from autograder.probing import call

OPTIMIZERS = {
    "SGD(lr=0.1, momentum=0.9)": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    "Adam(lr=0.01)": lambda p: torch.optim.Adam(p, lr=0.01),
    "AdamW(lr=0.01, weight_decay=0.1)": lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1),
    "SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)":
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    "RMSprop(lr=0.01, momentum=0.5)": lambda p: torch.optim.RMSprop(p, lr=0.01, momentum=0.5),
}
"""The optimizers a case may name, by the name it uses."""

DTYPES = {"float32": torch.float32, "float64": torch.float64}


def build(spec: dict, which: str) -> tuple[nn.Module, torch.optim.Optimizer]:
    """The case's model with the weights and buffers ``which`` names (``"first"``, ``"other"``), and a new optimizer."""
    weights, buffers = spec[f"{which}_weights"], spec[f"{which}_buffers"]
    n_hidden, n_in = weights[0].shape
    n_out = weights[-1].shape[0]
    with torch.random.fork_rng(devices=[]):  # the layers' own initialisation is overwritten below
        model = nn.Sequential(nn.Linear(n_in, n_hidden, bias=False), nn.BatchNorm1d(n_hidden), nn.ReLU(),
                              nn.Linear(n_hidden, n_out)).to(DTYPES[spec["dtype"]])
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(w)
        for b, w in zip(model.buffers(), buffers):
            b.copy_(w)
    return model, OPTIMIZERS[spec["optimizer"]](list(model.parameters()))


def train_steps(model: nn.Module, optimizer: torch.optim.Optimizer, spec: dict, first: int, count: int) -> None:
    """``count`` training steps, on batches ``first``, ``first + 1``, ... of the case's data (cycling)."""
    inputs, labels, batch_size = spec["inputs"], spec["labels"], int(spec["batch_size"])
    n_batches = len(labels) // batch_size
    model.train()
    for step in range(first, first + count):
        start = (step % n_batches) * batch_size
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs[start:start + batch_size]), labels[start:start + batch_size])
        loss.backward()
        optimizer.step()


def state(model: nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    """Parameters, buffers, and the optimizer's state per parameter (name → tensor or number), as data."""
    saved = optimizer.state_dict()["state"]
    order = [i for group in optimizer.state_dict()["param_groups"] for i in group["params"]]
    return {"parameters": [p.detach().clone() for p in model.parameters()],
            "buffers": [b.detach().clone() for b in model.buffers()],
            "optimizer": [{str(k): (v.detach().clone() if isinstance(v, torch.Tensor) else v)
                           for k, v in saved.get(i, {}).items()} for i in order]}


def holds(value, model_keys: set[str], depth: int = 0) -> tuple[bool, bool]:
    """Whether ``value`` (what the file held) contains the model's state_dict, and an optimizer's state_dict."""
    if depth > 4:
        return False, False
    if isinstance(value, dict):
        keys = {k for k in value if isinstance(k, str)}
        found = [model_keys <= keys, {"state", "param_groups"} <= keys]
        children = value.values()
    elif isinstance(value, (list, tuple)):
        found, children = [False, False], value
    else:
        return False, False
    for child in children:
        model_found, optimizer_found = holds(child, model_keys, depth + 1)
        found = [found[0] or model_found, found[1] or optimizer_found]
    return found[0], found[1]


def read_file(path: Path, model: nn.Module) -> dict:
    """What the checkpoint file is, read with weights_only=True (no class of the answer's is unpickled)."""
    if not path.is_file():
        return {"exists": False}
    try:
        content = torch.load(path, weights_only=True)
    except Exception as error:
        return {"exists": True, "weights_only": False, "error": type(error).__name__}
    has_model, has_optimizer = holds(content, set(model.state_dict()))
    return {"exists": True, "weights_only": True, "has_model": has_model, "has_optimizer": has_optimizer}


def probe(defined: tuple, inputs: dict) -> dict:
    save_checkpoint, load_checkpoint = defined
    with tempfile.TemporaryDirectory() as folder:
        path, decoy_path = Path(folder) / "run.pt", Path(folder) / "other_run.pt"
        model, optimizer = build(inputs, "first")
        train_steps(model, optimizer, inputs, 0, inputs["steps_before"])
        call(save_checkpoint, str(path), model, optimizer, inputs["epoch"], name="save_checkpoint")
        decoy, decoy_optimizer = build(inputs, "other")
        train_steps(decoy, decoy_optimizer, inputs, 0, 1)
        call(save_checkpoint, str(decoy_path), decoy, decoy_optimizer, inputs["decoy_epoch"], name="save_checkpoint")
        file = read_file(path, model)
        del model, optimizer, decoy, decoy_optimizer

        fresh, fresh_optimizer = build(inputs, "other")
        start = call(load_checkpoint, str(path), fresh, fresh_optimizer, name="load_checkpoint")
        loaded = state(fresh, fresh_optimizer)
        train_steps(fresh, fresh_optimizer, inputs, inputs["steps_before"], inputs["steps_after"])
        resumed = state(fresh, fresh_optimizer)
    return {"file": file, "start": start, "loaded": loaded, "resumed": resumed}
