"""What ``build_model()`` and ``fit(model, train_loader, epochs)`` did in the graded run.

On one CPU thread (the budget means the same on every machine) and seeded as the inputs say: build a
fresh model (two calls, each should be a new module with parameters of its own), record its output
on a few test images and its predictions on all of them before training, train it with the
student's ``fit`` on a guarded loader and a watch, then record its predictions again. Reported:
those observations, the time ``fit`` took, what the watch counted (passes over the loader, optimizer
steps and their settings, backward passes whose ``.grad`` still held earlier gradients, whether the
parameters changed), the kinds of layer, and the name of a model of the answer's namespace whose
weights the trained model now holds exactly. The judge scores the predictions against labels the
probe never receives.

The guard stops a run that goes over the time limit, is clearly on its way there, or keeps going
over the loader after ``epochs`` passes: those stops are reported as the run's failure, after the
judge has looked at the untrained model.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

import torch
from torch import nn
from torch.optim.optimizer import register_optimizer_step_pre_hook
from torch.utils.data import DataLoader, TensorDataset

from autograder.probing import call
from autograder.verdict import CheckFailed, fail

LOGIT_ROWS = 7
"""Test images whose raw output is sent back, for the judge to see logits (or not)."""


def probe(defined: tuple, inputs: dict) -> dict:
    build_model, fit = defined
    device = torch.device(inputs["device"])
    mean, std = inputs["mean"], inputs["std"]
    test_images = normalise(inputs["test_images"], mean, std).to(device)
    # A real GPU's random state is kept apart too; a simulated one (autograder.simulated_device) has none.
    forked = [device.index or 0] if device.type == "cuda" and torch.cuda.is_available() else []
    with torch.random.fork_rng(devices=forked), one_thread():
        torch.manual_seed(inputs["seed"])
        model = call(build_model, name="build_model")
        report = {"is_module": isinstance(model, nn.Module), "kind": type(model).__name__}
        if not report["is_module"]:
            return report
        other = call(build_model, name="build_model")
        mine = {p.data_ptr() for p in model.parameters()}
        report["same_instance"] = other is model
        report["shares_parameters"] = isinstance(other, nn.Module) and other is not model and any(
            p.data_ptr() in mine for p in other.parameters())
        if report["same_instance"] or report["shares_parameters"]:
            return report  # not a fresh model: training it would grade nothing
        report["sequential"] = type(model) is nn.Sequential
        report["layers"] = [type(m).__name__ for m in model.modules() if next(m.children(), None) is None]
        model = model.to(device)
        model.eval()
        with torch.no_grad():
            logits = call(model, test_images[:LOGIT_ROWS], name="model")
        report["logits"] = logits
        if type(logits) is not torch.Tensor or tuple(logits.shape) != (LOGIT_ROWS, 10):
            return report  # nothing sensible to train: the judge explains the output
        report["untrained"] = predict(model, test_images)

        train_images = normalise(inputs["train_images"], mean, std).to(device)
        loader = DataLoader(TensorDataset(train_images, inputs["train_labels"].to(device)),
                            batch_size=inputs["batch_size"], shuffle=True,
                            generator=torch.Generator().manual_seed(inputs["seed"]))
        guarded = GuardedLoader(loader, inputs["epochs"], inputs["limit_s"], inputs["project_over_s"])
        try:
            seconds, watch = run_fit(fit, model, guarded)
        except CheckFailed as failure:
            report["fit_failure"] = {"id": failure.message_id or "crashed_plain",
                                     "fields": {k: str(v)[:300] for k, v in failure.fields.items()},
                                     "text": str(failure)[:1000]}
            return report
        report.update(seconds=seconds, passes=guarded.passes, steps=watch.steps, backward=watch.backward,
                      leftover=watch.leftover, changed=watch.changed(), optimizers=list(watch.optimizers.values()),
                      copied=copied_from(model, build_model, fit), predictions=predict(model, test_images))
    return report


@contextmanager
def one_thread():
    """Train on one CPU thread, as the budget is stated: the same on every machine, whatever else it runs."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def normalise(images: torch.Tensor, mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """FashionMNIST pixels as bytes (N, 1, 28, 28) to the notebook's floats: bytes / 255, minus the mean, over the std."""
    return (images.float().div_(255) - mean) / std


def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Class predictions (int64) in eval mode, without a graph, in chunks."""
    model.eval()
    with torch.no_grad():
        return torch.cat([call(model, images[i:i + 1000], name="model").argmax(dim=1)
                          for i in range(0, len(images), 1000)])


def copied_from(model: nn.Module, *functions) -> str | None:
    """The name of a model in the answer's namespace whose weights ``model`` now holds exactly, if any."""
    mine = [p.detach() for p in model.parameters()]
    for function in functions:
        for name, value in getattr(function, "__globals__", {}).items():
            if not isinstance(value, nn.Module) or value is model:
                continue
            theirs = [p.detach() for p in value.parameters()]
            if theirs and len(theirs) == len(mine) and all(
                    a.shape == b.shape and torch.equal(a, b.to(a.device)) for a, b in zip(mine, theirs)):
                return name
    return None


class GuardedLoader:
    """A DataLoader as ``fit`` sees it, that also counts passes and keeps the clock.

    It stops the run (raises, and remembers it in case ``fit`` swallows exceptions) when the wall time
    passes ``limit``, when the pace of the batches so far predicts that the run would take more than
    ``project_over`` seconds, or when ``fit`` goes on past ``epochs`` full passes. ``len(...)``,
    ``.dataset`` and ``.batch_size`` are the wrapped loader's.
    """

    def __init__(self, loader: DataLoader, epochs: int, limit: float | None, project_over: float | None = None):
        self.loader, self.epochs, self.limit, self.project_over = loader, epochs, limit, project_over
        self.batches = self.passes = 0
        self.failure: CheckFailed | None = None
        self.start = self.first_batch = None

    def __len__(self):
        return len(self.loader)

    def __getattr__(self, name):
        if name == "loader":  # not set yet (copying, unpickling): no recursion
            raise AttributeError(name)
        return getattr(self.loader, name)

    def _stop(self, message_id: str, **fields):
        if self.failure is None:
            try:
                fail(message_id, **fields)
            except CheckFailed as failure:
                self.failure = failure
        raise self.failure

    def _check(self):
        now = time.perf_counter()
        elapsed = now - self.start
        per_epoch = len(self.loader)
        limits = dict(limit=f"{self.limit:g}" if self.limit is not None else "-", epochs=self.epochs)
        if self.limit is not None and elapsed > self.limit:
            self._stop("fashion_classifier.over_limit", seconds=f"{elapsed:.0f}",
                       n=f"{len(self.loader.dataset):,}", **limits)
        if self.batches > per_epoch * self.epochs + max(1, per_epoch // 10):
            self._stop("fashion_classifier.extra_pass", epochs=self.epochs)
        if self.project_over is not None and self.batches >= 6:
            pace = (now - self.first_batch) / (self.batches - 1)  # the first batch may be slow: not counted
            projected = pace * per_epoch * self.epochs
            if projected > self.project_over:
                self._stop("fashion_classifier.projected", per_batch=f"{1000 * pace:.0f}", per_epoch=per_epoch,
                           projected=f"{projected:.0f}", **limits)

    def __iter__(self):
        if self.failure:
            raise self.failure
        for batch in self.loader:
            self.batches += 1
            if self.batches == 1:
                self.first_batch = time.perf_counter()
            self._check()
            yield batch
        self.passes += 1


class TrainingWatch:
    """Counts optimizer steps (with each optimizer's settings) and backward passes during ``fit``, and the
    backward passes after which ``.grad`` held more than the new gradient: nobody zeroed it.

    A hook on one parameter sees the gradient each backward pass brings; a second hook sees ``.grad``
    after it was accumulated.
    """

    def __init__(self, model: nn.Module):
        self.model = model
        self.steps = self.backward = self.leftover = 0
        self.optimizers: dict[int, dict] = {}
        self._incoming = None
        self._handles = []

    def __enter__(self):
        params = [p for p in self.model.parameters() if p.requires_grad]
        self.before = [p.detach().clone() for p in params]
        self.params = params
        if params:
            watched = params[-1]
            self._handles += [watched.register_hook(self._on_gradient),
                              watched.register_post_accumulate_grad_hook(self._on_accumulated)]
        self._handles.append(register_optimizer_step_pre_hook(self._on_step))
        return self

    def __exit__(self, *exc):
        for handle in self._handles:
            handle.remove()
        return False

    def _on_step(self, optimizer, args, kwargs):
        self.steps += 1
        seen = self.optimizers.setdefault(id(optimizer), {"type": type(optimizer).__name__, "lr_max": 0.0,
                                                          "momentum": 0.0})
        for group in optimizer.param_groups:
            lr, momentum = group.get("lr"), group.get("momentum", 0.0)
            if isinstance(lr, (int, float)):
                seen["lr_max"] = max(seen["lr_max"], float(lr))
            if isinstance(momentum, (int, float)):
                seen["momentum"] = max(seen["momentum"], float(momentum))

    def _on_gradient(self, grad):
        self._incoming = grad.detach().clone()

    def _on_accumulated(self, param):
        self.backward += 1
        if self._incoming is not None and param.grad is not None and not torch.equal(param.grad, self._incoming):
            self.leftover += 1
        self._incoming = None

    def changed(self) -> bool:
        return any(not torch.equal(p.detach(), b) for p, b in zip(self.params, self.before))


def run_fit(fit, model: nn.Module, guarded: GuardedLoader) -> tuple[float, TrainingWatch]:
    """Call ``fit(model, guarded, epochs)`` under watch; its wall time in seconds, and the watch."""
    import torch._dynamo  # noqa: F401  (a process's first optimizer imports it, seconds that are not training)

    model.train()
    with TrainingWatch(model) as watch:
        guarded.start = time.perf_counter()
        try:
            call(fit, model, guarded, guarded.epochs, name="fit")
        finally:
            if next(model.parameters(), torch.empty(0)).is_cuda and torch.cuda.is_available():
                torch.cuda.synchronize()  # a real GPU's queued work counts; a simulated one has none
            seconds = time.perf_counter() - guarded.start
        if guarded.failure:  # raised inside fit, even if fit caught it
            raise guarded.failure
    return seconds, watch
