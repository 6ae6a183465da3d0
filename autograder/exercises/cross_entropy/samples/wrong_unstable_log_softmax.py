# expect: unstable
# The textbook formula log(exp / sum(exp)): exp(1000) overflows to inf and the loss is nan.
def cross_entropy(logits, targets):
    exp = torch.exp(logits)
    probs = exp / exp.sum(dim=1, keepdim=True)
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -torch.log(probs[rows, targets]).mean()
