# expect: wrong_sign
# Forgets the minus sign: the mean log-probability is never positive, the loss must never be negative.
def cross_entropy(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    rows = torch.arange(logits.shape[0], device=logits.device)
    return log_probs[rows, targets].mean()
