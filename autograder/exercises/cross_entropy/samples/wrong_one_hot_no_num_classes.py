# expect: error_broadcast
# F.one_hot(targets) without num_classes has max(targets) + 1 columns: right only when a batch holds the last class.
def cross_entropy(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    one_hot = F.one_hot(targets).to(logits.dtype)
    return -(one_hot * log_probs).sum(dim=1).mean()
