# The lesson's answer: v.mul_(momentum).add_(grad), then p -= lr * v, without autograd.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(momentum).add_(p.grad)
            p -= lr * v
