# expect: wrong_values
# The right value from detached logits, kept attached with 0 * logits.sum(): autograd follows it, but
# the gradient it gives is zero, so nothing would ever be trained.
def cross_entropy(logits, targets):
    log_probs = logits.detach() - torch.logsumexp(logits.detach(), dim=1, keepdim=True)
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, targets].mean() + 0 * logits.sum()
