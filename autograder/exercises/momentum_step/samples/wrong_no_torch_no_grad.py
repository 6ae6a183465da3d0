# expect: no_grad
# Updates the parameters in place while autograd is recording: PyTorch refuses for leaf tensors that require grad.
def momentum_step(params, velocities, lr, momentum):
    for p, v in zip(params, velocities):
        v.mul_(momentum).add_(p.grad)
        p -= lr * v
