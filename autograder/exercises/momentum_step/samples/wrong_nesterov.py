# expect: nesterov
# Nesterov momentum: steps along g + μ·v instead of v.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(momentum).add_(p.grad)
            p -= lr * (p.grad + momentum * v)
