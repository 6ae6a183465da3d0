"""What probes share: call the student's code, watch what it runs, and report it as data.

A probe (``autograder/exercises/<name>/probe.py``) runs wherever the student's code runs: in the
student's kernel for a visible check, and in the grading sandbox. It computes no answers and
compares nothing; it returns observations (tensors, numbers, flags) that a judge reads.
"""

from __future__ import annotations

import os
import sys
import threading
from contextlib import contextmanager

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from .verdict import CheckFailed, fail

FAILED = "__failed__"
"""Key of a probe result that says the answer failed before there was anything to compare."""
ERROR = "__error__"
"""Key of the result of every case when the answer cell itself could not run (status ``error``)."""


def run_probe(probe, defined: tuple, inputs: dict) -> dict:
    """One case's observations, or ``{FAILED: {"id", "fields"}}`` when the answer raised, crashed or exited."""
    try:
        return probe(defined, inputs)
    except CheckFailed as failure:
        return {FAILED: _as_data(failure.message_id or "crashed", failure.fields, str(failure))}
    except Exception as error:
        return {FAILED: _as_data("crashed_plain", {"error": type(error).__name__, "detail": error}, str(error))}
    except BaseException as error:  # sys.exit(), KeyboardInterrupt raised by the answer
        return {FAILED: _as_data("answer_exited", {"error": type(error).__name__, "detail": error}, str(error))}


def _as_data(message_id: str, fields: dict, text: str) -> dict:
    return {"id": message_id, "fields": {key: str(value)[:300] for key, value in fields.items()}, "text": text[:300]}


def call(fn, *args, name: str):
    """Call the student's ``fn``, turning "not written yet" and crashes into catalogue failures."""
    try:
        return fn(*args)
    except NotImplementedError:
        fail("not_implemented", name=name)
    except CheckFailed:
        raise
    except Exception as error:
        shapes = ", ".join(describe(a) for a in args)
        fail("crashed", name=name, args=shapes, error=type(error).__name__, detail=error)


def describe(value) -> str:
    """A short, language-neutral picture of an argument: ``(2, 3) float32`` for a tensor, its type otherwise."""
    if isinstance(value, torch.Tensor):
        shape = "()" if value.dim() == 0 else str(tuple(value.shape))
        return f"{shape} {str(value.dtype).removeprefix('torch.')}"
    return type(value).__name__


class _OperatorLog(TorchDispatchMode):
    """Records the name of every ATen operator that runs, however Python reached it."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        # Otherwise torch wraps __torch_dispatch__ in torch._disable_dynamo, whose first call
        # imports torch._dynamo: about 2 s in every check cell, for code that is never compiled.
        return False

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.names.add(func.overloadpacket.__name__)
        return func(*args, **(kwargs or {}))


@contextmanager
def operator_log():
    """Record the name of every ATen operator run inside the block (``log.names``).

    It works at the dispatcher, below Python, so ``torch.softmax``, ``F.softmax``, ``nn.Softmax``,
    ``torch.distributions``, a method call or a renamed reference are all seen, and a ``try`` in
    the student's code cannot hide a call: the log is read after the block ends.
    """
    log = _OperatorLog()
    with log:
        yield log


@contextmanager
def record_optimizers(log: list[str]):
    """Note the class of every torch.optim optimizer created inside the block (then restore torch.optim).

    Exercises that ask for a hand-written update use it to tell an answer that built an optimizer.
    """
    original = torch.optim.Optimizer.__init__

    def recording_init(self, *args, **kwargs):
        log.append(type(self).__name__)
        return original(self, *args, **kwargs)

    torch.optim.Optimizer.__init__ = recording_init
    try:
        yield
    finally:
        torch.optim.Optimizer.__init__ = original


class _CodeLog:
    """A profile hook that notes every Python function run from one folder, and any attempt to remove it."""

    _UNHOOKS = (sys.setprofile, threading.setprofile)

    def __init__(self, folder: str):
        self.folder = folder
        self.names: set[str] = set()
        self.unhooked = False
        self.active = True

    def __call__(self, frame, event, arg):
        if not self.active:
            return
        if event == "call" and frame.f_code.co_filename.startswith(self.folder):
            self.names.add(frame.f_code.co_qualname)
        elif event == "c_call" and any(arg is unhook for unhook in self._UNHOOKS):
            self.unhooked = True


@contextmanager
def optimizer_code_log():
    """Record every function of ``torch.optim`` that runs inside the block (``log.names``, qualified names).

    An optimizer's class (``SGD.__init__``, ``Optimizer.__init__``, ``SGD.step``), its functional
    form (``torch.optim.sgd.sgd``, ``torch.optim._functional.adam``) and its helpers all run Python
    code from torch.optim's folder, however the answer reached them (an alias, an import made before
    the check). Threads started inside the block are watched too. An answer that removes the hook
    (``sys.setprofile``) is noted in ``log.unhooked``: what it ran then cannot be seen.
    Exercises that ask for a hand-written update use it to tell an answer that let torch.optim do it.
    """
    log = _CodeLog(os.path.dirname(torch.optim.__file__) + os.sep)
    previous, previous_threads = sys.getprofile(), threading.getprofile()
    threading.setprofile(log)
    sys.setprofile(log)
    try:
        yield log
    finally:
        log.active = False
        if sys.getprofile() is not log:
            log.unhooked = True
        sys.setprofile(previous)
        threading.setprofile(previous_threads)


def unchanged(tensor: torch.Tensor, run) -> tuple[object, bool]:
    """``run()``'s result, and whether ``tensor`` was written to meanwhile (even if the old values came back)."""
    original, version = tensor.clone(), tensor._version
    result = run()
    return result, tensor._version != version or not torch.equal(tensor, original)
