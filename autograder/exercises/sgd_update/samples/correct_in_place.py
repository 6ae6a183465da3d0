# The lesson's answer: an in-place subtraction for each parameter that has a gradient, under no_grad.
def sgd_update(parameters, lr):
    with torch.no_grad():
        for p in parameters:
            if p.grad is not None:
                p -= lr * p.grad
