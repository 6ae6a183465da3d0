# expect: grad_enabled
# Switches autograd off with set_grad_enabled(False) and never back on: later backward() calls fail.
def sgd_update(parameters, lr):
    torch.set_grad_enabled(False)
    for p in parameters:
        if p.grad is not None:
            p -= lr * p.grad
