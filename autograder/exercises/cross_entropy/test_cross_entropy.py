"""What the cross_entropy exercise tells a student, beyond the contract of ``tests/test_exercises.py``."""

from __future__ import annotations

import pytest
import torch

from autograder.checking import check, hidden_tests
from autograder.exercise import exercise
from autograder.verdict import CheckFailed


def stable(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_probs.gather(1, targets.unsqueeze(1)).squeeze(1).mean()


def test_targets_are_not_to_be_mutated_either():
    def cross_entropy(logits, targets):
        loss = stable(logits, targets)
        targets.zero_()
        return loss

    with pytest.raises(CheckFailed) as told:
        hidden_tests("cross_entropy", cross_entropy, devices=["cpu"])
    assert told.value.message_id == "input_modified"


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_hidden_cases_saturate_in_each_dtype(dtype):
    """Some hidden logits overflow exp() in the dtype, and some true classes underflow to probability 0."""
    ex = exercise("cross_entropy")
    hidden = [c for c in ex.cases("cpu", seed=1) if c.hidden and c.inputs["logits"].dtype == dtype]
    facts = [ex.expected(c) for c in hidden]
    assert any(f["overflows"] for f in facts) and any(f["underflows"] for f in facts)
    assert max(f["largest"] for f in facts) >= 1e4


@pytest.mark.parametrize("source, words", [
    ("return stable(logits, targets) * len(targets)", "which is 3 times the right value 1.01364: it looks like the sum"),
    ("return -stable(logits, targets)", "is -1.01364, but the right value is 1.01364: the sign is flipped"),
    ("return stable(logits, targets).expand(len(targets)) + 0", "but it has shape (3,)"),
    ("return F.nll_loss(F.log_softmax(logits, dim=1), targets)", "calls F.nll_loss / F.cross_entropy, torch.log_softmax"),
])
def test_each_mistake_is_named(source, words):
    namespace = {"stable": stable}
    exec(f"import torch\nimport torch.nn.functional as F\ndef cross_entropy(logits, targets):\n    {source}\n",
         namespace)
    cross_entropy = namespace["cross_entropy"]
    with pytest.raises(CheckFailed) as told:
        check("cross_entropy", cross_entropy)
    assert words in str(told.value)
