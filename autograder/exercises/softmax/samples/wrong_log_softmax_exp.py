# expect: forbidden_call
# Forbidden too: exp of torch's log_softmax is torch's softmax in disguise.
def softmax(x):
    return torch.log_softmax(x, dim=1).exp()
