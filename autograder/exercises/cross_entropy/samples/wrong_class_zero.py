# expect: wrong_values
# Uses the log-probability of class 0 in every row instead of the true class's.
def cross_entropy(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    return -log_probs[:, 0].mean()
