"""What probes share: call the student's code, watch what it runs, and report it as data.

A probe (``autograder/exercises/<name>/probe.py``) runs wherever the student's code runs: in the
student's kernel for a visible check, and in the grading sandbox. It computes no answers and
compares nothing; it returns observations (tensors, numbers, flags) that a judge reads.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from contextlib import contextmanager

import torch
from torch.utils._python_dispatch import TorchDispatchMode

from helper.i18n import message

from .verdict import CheckFailed

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
    """Call the student's ``fn``, turning "not written yet" and crashes into sentences from the catalogue."""
    try:
        return fn(*args)
    except NotImplementedError:
        raise failure("not_implemented", name=name) from None
    except CheckFailed:
        raise
    except Exception as error:
        message_id, fields = explain(error)
        # "from None": the student sees one sentence, not a chained traceback; __context__ keeps the error.
        raise failure(message_id, name=name, args=", ".join(describe(a) for a in args), **fields) from None


def failure(message_id: str, **fields) -> CheckFailed:
    """The :class:`CheckFailed` that ``fail`` would raise, to raise yourself."""
    return CheckFailed(message(message_id, **fields), message_id, fields)


_KNOWN_ERRORS = [
    (re.compile(r"size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton "
                r"dimension (-?\d+)"), "error_broadcast", ("a", "b", "dim")),
    (re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\)"),
     "error_matmul", ("rows", "k1", "k2", "cols")),
    (re.compile(r"Expected all tensors to be on the same device.*?(\w+:?\d*) and (\w+:?\d*)"), "error_device",
     ("first", "second")),
    (re.compile(r"(?:expected scalar type (\w+) but found (\w+)|same dtype, but got:? ?(\w+) != (\w+)"
                r"|Found dtype (\w+) but expected (\w+))"), "error_dtype", ()),
    (re.compile(r"torch\.return_types\.(max|min|sort|topk)'"), "error_return_types", ("method",)),
]


def explain(error: Exception) -> tuple[str, dict]:
    """A catalogue message id (with its fields) for a crash whose cause is known; ``crashed`` otherwise.

    The known ones are the crashes beginners meet most: shapes that do not broadcast, a matrix
    product of the wrong shapes, tensors on two devices or of two dtypes, and ``x.max(dim=1)`` used
    as if it were a tensor (it returns values and indices).
    """
    text = str(error)
    for pattern, message_id, names in _KNOWN_ERRORS:
        found = pattern.search(text)
        if found:
            values = [g for g in found.groups() if g is not None]
            if message_id == "error_dtype":
                return message_id, {"first": values[0].lower(), "second": values[1].lower()}
            return message_id, dict(zip(names, values))
    return "crashed", {"error": type(error).__name__, "detail": error}


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


def unchanged(tensor: torch.Tensor, run) -> tuple[object, bool]:
    """``run()``'s result, and whether ``tensor`` was written to meanwhile (even if the old values came back)."""
    original, version = tensor.clone(), tensor._version
    result = run()
    return result, tensor._version != version or not torch.equal(tensor, original)


class OptimizerWatch:
    """What of ``torch.optim`` ran inside :func:`watch_optimizers`: see there."""

    def __init__(self):
        self.created: list[str] = []
        self.code: list[str] = []
        self.hook_lost = False


_OPTIM_DIR = os.path.dirname(torch.optim.__file__) + os.sep


@contextmanager
def watch_optimizers():
    """Note every piece of ``torch.optim`` that runs inside the block, however the code reached it.

    A profiling hook (``sys.setprofile``, and ``threading.setprofile`` for threads started in the
    block) sees each Python function that starts: ``created`` lists the optimizer classes whose
    ``__init__`` ran, ``code`` the entry points into torch.optim's code (an optimizer's ``step``,
    the functional forms such as ``torch.optim._functional.sgd``, an optimizer made before the block
    and used in it, a subclass of ``Optimizer``...). ``hook_lost``: the code inside replaced or
    switched off the hook (even if it put it back), so what it ran meanwhile was not seen. Operators torch.optim calls directly (the fused kernels)
    are for :func:`operator_log`. The previous hooks are put back afterwards.
    """
    watch = OptimizerWatch()

    closing = []

    def hook(frame, event, arg):
        if closing:
            return
        if event == "c_call" and (arg is sys.setprofile or arg is threading.setprofile):
            watch.hook_lost = True  # switched off, even if put back later: what ran between was not seen
            return
        if event != "call" or not frame.f_code.co_filename.startswith(_OPTIM_DIR):
            return
        back = frame.f_back
        if back is not None and back.f_code.co_filename.startswith(_OPTIM_DIR):
            return  # inside torch.optim already: its entry point is noted
        code, local = frame.f_code, frame.f_locals
        args = local.get("args")
        owner = local.get("self", args[0] if isinstance(args, tuple) and args else None)
        if isinstance(owner, torch.optim.Optimizer):  # a method, or the wrapper of step(): say whose
            method = code.co_qualname.split(".<locals>")[0].rsplit(".", 1)[-1].removeprefix("profile_hook_")
            name = f"{type(owner).__name__}.{method}"
            if code.co_name == "__init__" and type(owner).__name__ not in watch.created:
                watch.created.append(type(owner).__name__)
        else:
            name = f"{frame.f_globals.get('__name__', '?')}.{code.co_qualname}"
        if name not in watch.code:
            watch.code.append(name)

    previous, previous_threads = sys.getprofile(), threading.getprofile()
    sys.setprofile(hook)
    threading.setprofile(hook)
    try:
        yield watch
    finally:
        closing.append(True)  # the restoring calls below are ours
        watch.hook_lost = watch.hook_lost or sys.getprofile() is not hook
        sys.setprofile(previous)
        threading.setprofile(previous_threads)
