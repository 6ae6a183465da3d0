# expect: wrong_dtype
# Computes in float64 for safety and returns float64 for float32 logits: the loss must keep the logits' dtype.
def cross_entropy(logits, targets):
    logits = logits.double()
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, targets].mean()
