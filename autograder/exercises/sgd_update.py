"""Hidden tests for ``sgd_update(parameters, lr)``: plain SGD, checked against ``torch.optim.SGD``.

The visible checks do one step on a fixed example and one small model. These train random models
(an MLP with an unused layer, so some gradients are None, and a small convolutional network) for
several steps with random learning rates, in float32 and float64 on every device, passing the
parameters as a list or as a generator. Each case is a spec (model kind, sizes, initial weights,
input, learning rates): the probe builds the model with :func:`helper.checks.sgd_update.build_model`,
trains it with the answer and reports every step; the judge rebuilds the same model, trains it with
``torch.optim.SGD`` and compares the parameters after every step. It also checks what the probe saw
of each call: no optimizer created inside, gradients left as they are (against the judge's own),
parameters without gradient untouched, autograd left on, the list left alone, None returned.
"""

from __future__ import annotations

import torch

from helper.checks.core import CheckFailed
from helper.checks.sgd_update import backward, build_model, expect_call, expect_parameters, new_model
from helper.i18n import message

from . import run_in_process

LESSON = "03_lenet"
ANSWER_CELL = "sgd_update"
DEFINES = ("sgd_update",)
CONTEXT = "import torch\nimport torch.nn.functional as F\nfrom torch import nn"
FORBIDDEN_NAMES = ("optim", "Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax",
                   "NAdam", "RAdam", "ASGD", "Rprop", "LBFGS", "SparseAdam")

STEPS = 3
DTYPES = [torch.float32, torch.float64]


def cases(device: str):
    for dtype in DTYPES:
        generator = torch.Generator().manual_seed(31)
        sizes = [int(s) for s in torch.randint(2, 9, (3,), generator=generator)]
        specs = [(f"an MLP {tuple(sizes)} with an unused layer", "mlp", sizes, (5, sizes[0])),
                 ("a small convolutional network", "conv", [], (4, 1, 8, 8))]
        with torch.random.fork_rng(devices=[]):  # the models' default initialisation, nobody else's RNG
            torch.manual_seed(31)
            models = [new_model(kind, model_sizes) for _, kind, model_sizes, _ in specs]
        for (name, kind, model_sizes, x_shape), model in zip(specs, models):
            x = torch.randn(x_shape, generator=generator)
            lrs = [float(torch.empty(1).uniform_(0.001, 1.0, generator=generator)) for _ in range(STEPS)]
            yield f"{name}, {dtype}, {device}", {
                "kind": kind, "sizes": model_sizes,
                "state": {n: p.detach().to(device=device, dtype=dtype) for n, p in model.named_parameters()},
                "x": x.to(device=device, dtype=dtype), "lrs": lrs,
                "as_generator": [step % 2 == 0 for step in range(STEPS)],
            }


def judge(case: str, inputs: dict, outputs: dict) -> None:
    """Train the case's model with torch.optim.SGD beside the reported steps; fail at the first wrong one."""
    steps = outputs.get("steps") if isinstance(outputs, dict) else None
    steps = steps if type(steps) is list else []
    twin, x = build_model(inputs), inputs["x"]
    parameters = list(twin.parameters())
    optimizer = torch.optim.SGD(parameters, lr=inputs["lrs"][0])
    before = [p.detach().clone() for p in parameters]
    for step, lr in enumerate(inputs["lrs"], 1):
        try:
            if step > len(steps) or not isinstance(steps[step - 1], dict):
                raise CheckFailed(message("sgd_update_missing_step", step=step))
            observed = steps[step - 1]
            backward(twin, x)
            grads = [p.grad.detach().clone() if p.grad is not None else None for p in parameters]
            optimizer.param_groups[0]["lr"] = lr
            optimizer.step()
            reported = observed.get("params")
            if type(reported) is not list or len(reported) != len(parameters):
                raise CheckFailed(message("sgd_update_count", expected=len(parameters),
                                          actual=len(reported) if type(reported) is list else 0))
            expect_call(observed, grads, before, reported, exact_grads=False)
            expect_parameters(reported, before, grads, lr, expected=[p.detach() for p in parameters])
        except CheckFailed as failure:
            raise CheckFailed(f"{case}, step {step}, lr = {lr:.4g}: {failure}") from None
        before = [p.detach() for p in reported]


def hidden_tests(sgd_update, devices: list[str] | None = None) -> None:
    """Raise CheckFailed (an AssertionError) at the first step where ``sgd_update`` is wrong."""
    run_in_process("sgd_update", (sgd_update,), devices)
