# expect: dampening
# Averages instead of adding: v ← μ·v + (1 − μ)·g is momentum with dampening, not PyTorch's default.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(momentum).add_((1 - momentum) * p.grad)
            p -= lr * v
