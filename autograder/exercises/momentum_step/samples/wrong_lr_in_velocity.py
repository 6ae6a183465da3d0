# expect: velocity_lr
# The other common form, v ← μ·v + lr·g and p ← p − v, with PyTorch's velocities: they now hold lr times too much.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(momentum).add_(lr * p.grad)
            p -= v
