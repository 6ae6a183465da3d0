# expect: wrong_values
# Normalises each column instead of each row: sums over the batch dimension.
def softmax(x):
    exp = torch.exp(x - x.max(dim=1, keepdim=True).values)
    return exp / exp.sum(dim=0, keepdim=True)
