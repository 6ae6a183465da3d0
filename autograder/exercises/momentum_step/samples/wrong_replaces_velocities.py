# expect: list_changed
# Puts new velocity tensors into the list instead of updating the old ones in place.
def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        for i, p in enumerate(params):
            velocities[i] = momentum * velocities[i] + p.grad
            p -= lr * velocities[i]
