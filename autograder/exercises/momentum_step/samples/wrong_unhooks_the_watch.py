# expect: unhooked
# Switches off Python's profiler (which the check watches torch.optim with), then lets torch.optim do the step.
import sys
import torch.optim as tricks


def momentum_step(params, velocities, lr, momentum):
    watch = sys.getprofile()
    sys.setprofile(None)
    optimizer = tricks.SGD(params, lr=lr, momentum=momentum)
    for p, v in zip(params, velocities):
        optimizer.state[p]["momentum_buffer"] = v
    optimizer.step()
    sys.setprofile(watch)
