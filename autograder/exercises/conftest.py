"""What the tests kept in each exercise's folder share: every test starts and ends in English, with
autograd on (a test of a wrong answer may have switched it off)."""

import pytest
import torch

from helper.i18n import set_language


@pytest.fixture(autouse=True)
def english_with_autograd():
    set_language("en")
    yield
    set_language("en")
    torch.set_grad_enabled(True)
