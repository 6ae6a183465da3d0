# The lesson's answer: subtract the row maximum, exponentiate, normalise each row.
def softmax(x):
    shifted = x - x.max(dim=1, keepdim=True).values
    exp = torch.exp(shifted)
    return exp / exp.sum(dim=1, keepdim=True)
