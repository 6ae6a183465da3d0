# expect: wrong_values
# visible: passes
# Hard-codes momentum 0.9, the value of every visible check, and ignores the argument.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for p, v in zip(params, velocities):
            v.mul_(0.9).add_(p.grad)
            p -= lr * v
