"""What an answer's text may not use, read from its syntax tree (every import form and alias resolved).

Two looks enforce an exercise's rules: the probe watches what ran (operators dispatched, autograd,
optimizers), and this one reads what was written. It runs in the grader, where the answer cannot
switch it off, and in the visible check, so a student hears about it before grading. It refuses:

* a function the exercise forbids, however it is reached: ``torch.softmax``, ``F.softmax``,
  ``from torch import softmax as s``, ``import torch.optim as o``, ``getattr(torch, "softmax")``;
* names built at run time (``exec``, ``eval``, ``getattr`` with a computed name, ``__dict__``),
  which would hide the first kind from this reading;
* legacy PyTorch (``Variable``, ``volatile``, writing through ``.data``, ``it.next()``), with the
  modern form in the message.
"""

from __future__ import annotations

import ast

DYNAMIC_ACCESS = {"exec", "eval", "compile", "__import__", "globals", "vars", "breakpoint", "importlib"}
"""Names that reach code or objects the grader cannot read from the answer's text."""
HIDDEN_ATTRIBUTES = {"__dict__", "__globals__", "__builtins__", "__subclasses__", "__code__", "f_globals"}
IN_PLACE_METHODS = {"add_", "sub_", "mul_", "div_", "copy_", "zero_", "fill_", "addcmul_", "addcdiv_", "clamp_"}

Problem = tuple[str, dict]
"""A message id of the shared catalogue and its fields."""


def ipython_to_python(source: str) -> str | None:
    """The cell as Python (line magics become calls the probe ignores), or None if it does not parse."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        python = TransformerManager().transform_cell(source)
        ast.parse(python)
    except (SyntaxError, ValueError):
        return None
    return python


def answer_problem(source: str, forbidden: tuple[str, ...] | list[str]) -> Problem | None:
    """The first thing in ``source`` that grading refuses, or None."""
    python = ipython_to_python(source)
    if python is None:
        return None
    forbidden = set(forbidden)
    for node in ast.walk(ast.parse(python)):
        problem = _forbidden(node, forbidden) or _dynamic(node) or _legacy(node)
        if problem:
            return problem
    return None


def _forbidden(node: ast.AST, forbidden: set[str]) -> Problem | None:
    used: list[str] = []
    if isinstance(node, ast.Attribute):
        used = [node.attr]
    elif isinstance(node, ast.Import):
        used = [part for alias in node.names for part in alias.name.split(".")]
    elif isinstance(node, ast.ImportFrom):
        used = (node.module or "").split(".") + [alias.name for alias in node.names]
    elif _is_call(node, "getattr") and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
        used = [str(node.args[1].value)]
    hit = next((name for name in used if name in forbidden), None)
    return ("text_forbidden", {"name": hit}) if hit else None


def _dynamic(node: ast.AST) -> Problem | None:
    if isinstance(node, ast.Name) and node.id in DYNAMIC_ACCESS:
        return "text_dynamic", {"name": node.id}
    if isinstance(node, ast.Attribute) and node.attr in HIDDEN_ATTRIBUTES:
        return "text_dynamic", {"name": node.attr}
    if _is_call(node, "getattr") and not (len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
        return "text_dynamic", {"name": "getattr"}
    return None


def _legacy(node: ast.AST) -> Problem | None:
    if isinstance(node, ast.Name) and node.id == "Variable" or isinstance(node, ast.alias) and node.name == "Variable":
        return "legacy_variable", {}
    if isinstance(node, ast.keyword) and node.arg == "volatile":
        return "legacy_volatile", {}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "next" \
            and not node.args and not node.keywords:
        return "legacy_next", {}
    if isinstance(node, (ast.Assign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Attribute) and t.attr == "data" for t in targets):
            return "legacy_data", {}
    if isinstance(node, ast.Attribute) and node.attr == "data" and (
            isinstance(node.value, ast.Attribute) and node.value.attr == "grad"):
        return "legacy_data", {}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in IN_PLACE_METHODS \
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "data":
        return "legacy_data", {}
    return None


def _is_call(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
