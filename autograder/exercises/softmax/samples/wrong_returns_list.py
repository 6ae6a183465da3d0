# expect: not_tensor
# Returns a nested Python list instead of a tensor.
def softmax(x):
    exp = torch.exp(x - x.max(dim=1, keepdim=True).values)
    return (exp / exp.sum(dim=1, keepdim=True)).tolist()
