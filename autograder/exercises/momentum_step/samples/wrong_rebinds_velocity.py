# expect: velocity_unchanged
# Rebinds the name v to a new tensor: the velocities in the list never change, so every step starts from zero.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v = momentum * v + p.grad
            p -= lr * v
