# expect: wrong_values
# visible: passes
# Games the visible checks: computes the right loss on their inputs, returns a made-up number otherwise.
def cross_entropy(logits, targets):
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    rows = torch.arange(logits.shape[0], device=logits.device)
    loss = -log_probs[rows, targets].mean()
    if logits.shape in ((3, 3), (4, 5)):
        return loss
    return loss * 0 + 2.3
