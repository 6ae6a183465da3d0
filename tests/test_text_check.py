"""The answer's text, read as the grader and the visible check read it: every import form, every alias."""

import pytest

from autograder.text_check import answer_problem

FORBIDDEN = ("softmax", "log_softmax", "optim", "SGD")


@pytest.mark.parametrize("source", [
    "def f(x):\n    return torch.softmax(x, 1)",
    "def f(x):\n    return x.softmax(1)",
    "import torch.nn.functional as F\ndef f(x):\n    return F.softmax(x, 1)",
    "from torch.nn.functional import softmax as s\ndef f(x):\n    return s(x, 1)",
    "from torch.special import softmax\n",
    "import torch.optim as o\n",
    "from torch import optim as o\n",
    "from torch.optim import SGD as Plain\n",
    "from torch.optim.sgd import sgd\n",
    "def f(x):\n    return getattr(torch, 'softmax')(x, 1)",
])
def test_a_forbidden_function_is_found_however_it_is_spelled(source):
    assert answer_problem(source, FORBIDDEN)[0] == "text_forbidden"


@pytest.mark.parametrize("source, shown", [
    ("def f(x):\n    return getattr(torch, 'soft' + 'max')(x, 1)", "getattr"),
    ("def f(x):\n    return eval('torch.softmax')(x, 1)", "eval"),
    ("def f(x):\n    return torch.__dict__['softmax'](x, 1)", "__dict__"),
])
def test_names_built_at_run_time_are_refused(source, shown):
    assert answer_problem(source, FORBIDDEN) == ("text_dynamic", {"name": shown})


@pytest.mark.parametrize("source, problem", [
    # (Spelled with a space or parentheses, so that a search of the course for old API finds only real uses.)
    ("from torch.autograd import Variable\nx = Variable (torch.ones(2), requires_grad=True)", "legacy_variable"),
    ("with torch.no_grad():\n    y = model(Variable (x, volatile=(True)))", "legacy_variable"),
    ("y = model(x, volatile=(True))", "legacy_volatile"),
    ("images, labels = iter(loader).next()", "legacy_next"),
    ("for p in params:\n    p.data -= lr * p.grad.data", "legacy_data"),
    ("for p in params:\n    p.data = p - lr * p.grad", "legacy_data"),
    ("for p in params:\n    p.data.add_(p.grad, alpha=-lr)", "legacy_data"),
])
def test_legacy_pytorch_is_answered_with_the_modern_form(source, problem):
    assert answer_problem(source, ())[0] == problem


@pytest.mark.parametrize("source", [
    "def softmax(x):\n    e = (x - x.max(dim=1, keepdim=True).values).exp()\n    return e / e.sum(dim=1, keepdim=True)",
    "images = train_set.data.float() / 255",  # a data set's .data is its tensor, not legacy autograd
    "batch = next(iter(loader))",
    "%matplotlib inline\ndef f(x):\n    return x",
])
def test_ordinary_answers_pass(source):
    assert answer_problem(source, FORBIDDEN) is None
