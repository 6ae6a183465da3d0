# expect: used_gradient
# Updates the velocity but steps with the gradient: plain SGD in disguise.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(momentum).add_(p.grad)
            p -= lr * p.grad
