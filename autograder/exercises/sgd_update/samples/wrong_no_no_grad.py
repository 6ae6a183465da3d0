# expect: no_grad
# Updates in place while autograd records: PyTorch refuses in-place changes of a leaf that requires grad.
def sgd_update(parameters, lr):
    for p in parameters:
        if p.grad is not None:
            p -= lr * p.grad
