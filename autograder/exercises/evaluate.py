"""Hidden tests for ``evaluate(model, loader, device)``: accuracy over every sample of a loader.

The visible checks use one fixed data set whose accuracy is 0.5. These draw random models (with
BatchNorm and Dropout, handed over in train mode), random batch sizes and random numbers of right
predictions per batch, in float32 and float64, on every device. Each case is a spec of plain data
that the probe turns into the model and a watched loader (``helper.checks.train_epoch``), and that
the judge rebuilds to count the right predictions itself. The verdict rests on numbers it
recomputes: the parameters and the BatchNorm running statistics must be untouched (a forward pass
in train mode updates them), and the result must be a Python float equal to the fraction of right
predictions over all samples (not the last batch's accuracy, not the plain mean of the batch
accuracies, not a percentage, not the number from the visible check, not the accuracy on inputs
never moved to the device, which the loader holds negated until ``.to(device)``). What the spy saw
(eval mode, autograd off, batches moved) names the mistake first; autograd left on changes no
number, so only the spy can tell it.
"""

from __future__ import annotations

import torch

from helper.checks.core import CheckFailed
from helper.checks.evaluate import expect_accuracy, expect_eval_calls
from helper.checks.train_epoch import expect_tensors, random_spec_weights, reported_calls, spec_model
from helper.i18n import message

from . import run_in_process

LESSON = "06_training_loop"
ANSWER_CELL = "evaluate"
DEFINES = ("evaluate",)
CONTEXT = "import torch\nfrom torch import nn"

N_CASES = 4


def _randint(low: int, high: int, generator: torch.Generator) -> int:
    return int(torch.randint(low, high + 1, (1,), generator=generator))


def _counts(generator: torch.Generator):
    """Batch size, last batch size and right predictions per batch, with the usual wrong answers distinct."""
    while True:
        batch_size = _randint(3, 8, generator)
        n_batches = _randint(2, 4, generator)
        last = _randint(2, batch_size - 1, generator)  # 2 or more: a BatchNorm in train mode then runs (and shows)
        sizes = [batch_size] * (n_batches - 1) + [last]
        correct = [_randint(0, size, generator) for size in sizes]
        total = sum(correct) / sum(sizes)
        unweighted = sum(c / s for c, s in zip(correct, sizes)) / len(sizes)
        # ...and the visible check's 0.5 neither: an answer that returns it is told it copied a number.
        if min(abs(total - correct[-1] / last), abs(total - unweighted), abs(total - 0.5),
               abs(0.5 - correct[-1] / last), abs(0.5 - unweighted)) > 0.01:
            return batch_size, last, correct


def model_outputs(spec: dict, negated: bool = False) -> torch.Tensor:
    """The spec's model's outputs in eval mode, batch by batch as the loader hands them out (on the CPU)."""
    device = torch.device(spec["device"])
    model = spec_model(spec, "reference").eval()
    inputs, batch_size = spec["inputs"], spec["batch_size"]
    found = []
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            x = inputs[start:start + batch_size].to(device)
            found.append(model(-x if negated else x).cpu())
    return torch.cat(found)


def predictions(spec: dict, negated: bool = False) -> torch.Tensor:
    """The classes the spec's model predicts in eval mode (for the never-moved, negated inputs if ``negated``)."""
    return model_outputs(spec, negated).argmax(dim=1)


def _clear_winner(logits: torch.Tensor) -> bool:
    """Every sample's top class leads by enough that no rounding (threads, devices) can change it."""
    top = logits.topk(2, dim=1).values
    return bool((top[:, 0] - top[:, 1]).min() > 1e-3)


def cases(device: str):
    generator = torch.Generator().manual_seed(607)
    for index in range(N_CASES):
        dtype = "float64" if index == N_CASES - 1 else "float32"
        batch_size, last, correct = _counts(generator)
        n_in, n_hidden, n_out = _randint(3, 9, generator), _randint(4, 12, generator), _randint(2, 7, generator)
        n = batch_size * (len(correct) - 1) + last
        weights, buffers = random_spec_weights(n_in, n_hidden, n_out, generator, getattr(torch, dtype))
        spec = {"device": device, "dtype": dtype, "dropout": 0.5, "batch_size": batch_size,
                "weights": weights, "buffers": buffers}
        while True:  # inputs with no near-tie, on which a model fed the never-moved (negated) batches scores otherwise
            spec["inputs"] = torch.randn(n, n_in, generator=generator, dtype=getattr(torch, dtype))
            logits = model_outputs(spec)
            predicted, unmoved = logits.argmax(dim=1), predictions(spec, negated=True)
            wrong = (predicted + torch.randint(1, n_out, (n,), generator=generator)) % n_out
            labels = wrong.clone()
            for batch, k in enumerate(correct):
                start = batch * batch_size
                chosen = start + torch.randperm(min(batch_size, n - start), generator=generator)[:k]
                labels[chosen] = predicted[chosen]
            if _clear_winner(logits) and abs(float((unmoved == labels).sum()) - sum(correct)) >= 1:
                break
        spec["labels"] = labels
        yield (f"{n} samples in batches of {batch_size}, model {n_in}→{n_hidden}→{n_out} with BatchNorm and "
               f"Dropout, torch.{dtype}, {device}", spec)


def _judge(inputs: dict, outputs: dict) -> None:
    n_batches = -(-len(inputs["labels"]) // inputs["batch_size"])
    expect_eval_calls(reported_calls(outputs.get("calls")), n_batches)
    initial = spec_model(inputs, "initial")
    before = [p.detach() for p in initial.parameters()]
    after = expect_tensors(outputs.get("parameters"), before, message("train_epoch_parameters"))
    if any(not torch.equal(a, b) for a, b in zip(after, before)):
        raise CheckFailed(message("evaluate_changed_model"))
    before = [b.detach() for b in initial.buffers()]
    after = expect_tensors(outputs.get("buffers"), before, message("train_epoch_statistics"))
    if any(not torch.equal(a, b) for a, b in zip(after, before)):
        raise CheckFailed(message("evaluate_changed_statistics"))
    labels = inputs["labels"]
    expect_accuracy(outputs.get("result"), predictions(inputs) == labels, inputs["batch_size"],
                    predictions(inputs, negated=True) == labels)


def judge(case: str, inputs: dict, outputs: dict) -> None:
    try:
        _judge(inputs, outputs)
    except CheckFailed as failure:
        raise CheckFailed(f"{case}: {failure}") from None


def hidden_tests(evaluate, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first data set where ``evaluate`` is wrong."""
    run_in_process("evaluate", (evaluate,), devices)
