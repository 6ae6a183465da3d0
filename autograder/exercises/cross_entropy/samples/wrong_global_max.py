# expect: unstable
# visible: passes
# Shifts by one maximum for the whole batch instead of each row's: fine while the rows are alike, but a
# row 10⁴ below the others underflows to exp() = 0 everywhere and its log-sum-exp is log(0) = -inf.
def cross_entropy(logits, targets):
    shifted = logits - logits.max()
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, targets].mean()
