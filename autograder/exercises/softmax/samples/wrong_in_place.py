# expect: input_modified
# Right values, but overwrites the caller's tensor with the shifted logits.
def softmax(x):
    x -= x.max(dim=1, keepdim=True).values
    exp = torch.exp(x)
    return exp / exp.sum(dim=1, keepdim=True)
