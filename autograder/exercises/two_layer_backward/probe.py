"""What ``two_layer_backward(X, y, W1, W2)`` did: the (dW1, dW2) it returned, whether it wrote into an
input, and which of autograd's machines it ran, however it reached them.

The exercise is to do by hand what autograd does, so the answer runs inside ``torch.no_grad()`` on
inputs that do not require grad, and three kinds of use are watched while it runs:

* ``graph``: an autograd graph was built. A saved-tensors hook notes every tensor an operation
  saves for a backward pass in this thread (grad mode switched back on, ``requires_grad_()`` on
  copies), and anomaly mode, which is global, reports every graph node created in *any* thread (a
  ``threading.Thread`` starts with grad mode on and without this thread's hooks), even after the
  answer popped the hook. A crash that says grad was missing (``loss.backward()`` under no_grad)
  counts too, and so does an input whose ``requires_grad`` flag changed;
* ``forward_ad``: a forward-mode AD level was entered (``torch.autograd.forward_ad``, and through
  it ``torch.func.jvp``/``jacfwd`` and ``torch.autograd.functional.jacobian(strategy="forward-mode")``);
* ``torch_func``: a ``torch.func`` transform that differentiates (``grad``, ``vjp``, ``jacrev``,
  ``hessian``, ``jvp``, ``jacfwd``) was entered.

Each watch only records; the verdict is read after the call returns, so a ``try`` in the answer
cannot hide it. No dispatcher log is used: autograd's backward of ``mm`` is ``mm`` again, so
operator names cannot tell a hand-written backward pass from autograd's.
"""

from __future__ import annotations

import re
import warnings
from contextlib import ExitStack, contextmanager

import torch
import torch._functorch.eager_transforms as _transforms
import torch._functorch.predispatch as _predispatch
import torch.fx.traceback as _fx_traceback
from torch.autograd.graph import saved_tensors_hooks

from autograder.probing import call
from autograder.verdict import CheckFailed

KEYS = ("X", "y", "W1", "W2")
AUTOGRAD_ERRORS = re.compile(r"does not require grad|grad_fn|saved tensor hooks|grad can be implicitly created")
"""What torch says when an answer reaches for autograd where it is out of reach."""


def probe(defined: tuple, inputs: dict) -> dict:
    (two_layer_backward,) = defined
    tensors = [inputs[key] for key in KEYS]
    before = [(t, t._version, t.detach().clone(), t.requires_grad) for t in tensors]
    seen: set[str] = set()
    result = None
    try:
        with autograd_watch(seen):
            result = call(two_layer_backward, *tensors, name="two_layer_backward")
    except CheckFailed as failure:
        cause = failure.__cause__ or failure.__context__  # the error the answer raised
        if not (seen or (isinstance(cause, RuntimeError) and AUTOGRAD_ERRORS.search(str(cause)))):
            raise
        # It failed because it reached for autograd: say that, not "it crashed" (torch.func.grad, vjp
        # and jacrev refuse to start under the saved-tensors hook, and say so).
        seen.add("torch_func" if "torch.func" in str(cause) else "graph")
    if any(t.requires_grad != flag for t, _, _, flag in before):
        seen.add("graph")
    changed = any(t._version != version or not torch.equal(t, original) for t, version, original, _ in before)
    return {"result": result, "autograd": sorted(seen), "input_changed": changed}


@contextmanager
def autograd_watch(seen: set[str]):
    """Run the block with grad mode off, noting in ``seen`` each kind of autograd use (see the module)."""
    def pack(tensor):  # runs only when an operation saves a tensor for backward: a graph is being built
        seen.add("graph")
        return tensor

    def node_created():  # anomaly mode calls this for every autograd node, in every thread
        seen.add("graph")
        return []

    anomaly = torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()
    with ExitStack() as stack:
        stack.enter_context(torch.no_grad())
        stack.enter_context(saved_tensors_hooks(pack, lambda tensor: tensor))
        stack.enter_context(_replaced(_fx_traceback, "format_stack", node_created))
        for module, name, kind in ((_predispatch, "_enter_dual_level_impl", "forward_ad"),
                                   (torch._C, "_enter_dual_level", "forward_ad"),
                                   (_transforms, "_jvp_increment_nesting", "torch_func"),
                                   (_transforms, "_grad_increment_nesting", "torch_func")):
            stack.enter_context(_noted(module, name, kind, seen))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # anomaly mode warns that it slows autograd down
            torch.autograd.set_detect_anomaly(True, check_nan=False)
        try:
            yield
        finally:
            if not torch.is_anomaly_enabled():  # switched off by the answer, to build a graph unseen
                seen.add("graph")
            torch.autograd.set_detect_anomaly(*anomaly)


@contextmanager
def _replaced(module, name: str, replacement):
    original = getattr(module, name)
    setattr(module, name, replacement)
    try:
        yield
    finally:
        setattr(module, name, original)


def _noted(module, name: str, kind: str, seen: set[str]):
    """``module.name`` replaced by a function that notes ``kind`` in ``seen``, then does what it did."""
    original = getattr(module, name)

    def noting(*args, **kwargs):
        seen.add(kind)
        return original(*args, **kwargs)

    return _replaced(module, name, noting)
