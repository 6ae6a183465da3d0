# expect: grad_changed
# Zeroes the gradients after the update: that is the training loop's job (zero_grad), not the update's.
def sgd_update(parameters, lr):
    with torch.no_grad():
        for p in parameters:
            if p.grad is not None:
                p -= lr * p.grad
                p.grad.zero_()
