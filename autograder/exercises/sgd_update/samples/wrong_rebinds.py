# expect: unchanged
# Rebinds the loop variable: p = p - lr * p.grad makes a new tensor, the model's parameter is unchanged.
def sgd_update(parameters, lr):
    with torch.no_grad():
        for p in parameters:
            if p.grad is not None:
                p = p - lr * p.grad
