# expect: ascent
# Adds the gradient instead of subtracting it: gradient ascent, the loss goes up.
def sgd_update(parameters, lr):
    with torch.no_grad():
        for p in parameters:
            if p.grad is not None:
                p += lr * p.grad
