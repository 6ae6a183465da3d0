# Also right, and bit-for-bit what torch.optim.SGD does: one fused in-place add with alpha = -lr.
@torch.no_grad()
def sgd_update(parameters, lr):
    for parameter in parameters:
        if parameter.grad is None:
            continue
        parameter.add_(parameter.grad, alpha=-lr)
