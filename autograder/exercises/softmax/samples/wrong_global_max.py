# expect: not_finite
# Subtracts one maximum for the whole batch: rows far below it underflow to 0/0 = nan.
def softmax(x):
    exp = torch.exp(x - x.max())
    return exp / exp.sum(dim=1, keepdim=True)
