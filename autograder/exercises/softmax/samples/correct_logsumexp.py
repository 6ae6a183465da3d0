# Also right: exp(x - logsumexp(x)) is the same stable softmax, written in log space.
def softmax(x):
    return torch.exp(x - torch.logsumexp(x, dim=1, keepdim=True))
