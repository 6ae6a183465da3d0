# expect: used_optimizer
# Lets torch.optim.SGD do the work, with the velocities handed over as its momentum buffers.
def momentum_step(params, velocities, lr, momentum):
    optimizer = torch.optim.SGD(params, lr=lr, momentum=momentum)
    for p, v in zip(params, velocities):
        optimizer.state[p]["momentum_buffer"] = v
    optimizer.step()
