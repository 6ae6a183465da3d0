# Also right: torch.logsumexp for the stable normaliser and gather to pick each row's true class.
def cross_entropy(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    true_class = log_probs.gather(1, targets.unsqueeze(1)).squeeze(1)
    return -true_class.mean()
