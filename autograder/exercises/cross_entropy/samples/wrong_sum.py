# expect: is_sum
# Sums the per-example losses over the batch instead of averaging them.
def cross_entropy(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, targets].sum()
