# expect: forbidden_call
# Reaches torch's softmax through a private entry point (an all-False mask masks nothing): still the
# library's softmax, which the exercise forbids; the dispatcher sees it whatever Python called.
def cross_entropy(logits, targets):
    probs = torch._masked_softmax(logits, torch.zeros_like(logits, dtype=torch.bool), 1)
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -torch.log(probs[rows, targets]).mean()
