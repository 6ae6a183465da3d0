# The lesson's answer: shift each row by its maximum, log-sum-exp by hand, pick the true class, average.
def cross_entropy(logits, targets):
    shifted = logits - logits.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, targets].mean()
