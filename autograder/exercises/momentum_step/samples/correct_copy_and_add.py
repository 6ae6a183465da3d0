# Also right: copy_ the new velocity into the same tensor, add_ with alpha (what torch.optim.SGD does).
@torch.no_grad()
def momentum_step(params, velocities, lr, momentum):
    for i in range(len(params)):
        velocities[i].copy_(momentum * velocities[i] + params[i].grad)
        params[i].add_(velocities[i], alpha=-lr)
