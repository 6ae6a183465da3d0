# expect: forbidden_call
# Forbidden too: nn.LogSoftmax followed by nn.NLLLoss is exactly nn.CrossEntropyLoss.
log_softmax = nn.LogSoftmax(dim=1)
nll = nn.NLLLoss()


def cross_entropy(logits, targets):
    return nll(log_softmax(logits), targets)
