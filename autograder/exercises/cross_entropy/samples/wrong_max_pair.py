# expect: error_return_types
# Subtracts logits.max(dim=1, keepdim=True) itself: with dim=..., max returns a (values, indices) pair, not a tensor.
def cross_entropy(logits, targets):
    shifted = logits - logits.max(dim=1, keepdim=True)
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, targets].mean()
