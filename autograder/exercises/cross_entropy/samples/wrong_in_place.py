# expect: input_modified
# Right values, but shifts the caller's logits in place (logits -= max) before using them.
def cross_entropy(logits, targets):
    logits -= logits.max(dim=1, keepdim=True).values
    log_probs = logits - logits.exp().sum(dim=1, keepdim=True).log()
    rows = torch.arange(logits.shape[0], device=logits.device)
    return -log_probs[rows, targets].mean()
