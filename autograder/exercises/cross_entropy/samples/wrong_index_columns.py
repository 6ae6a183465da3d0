# expect: wrong_values
# log_probs[:, targets] takes whole columns, an (N, N) block, not one entry per row; its mean is wrong.
def cross_entropy(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_probs[:, targets].mean()
