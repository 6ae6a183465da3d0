# expect: used_optim_function
# No optimizer object, but torch.optim's functional SGD does the update, reached through a name that hides it.
from torch.optim import sgd as update_module


def momentum_step(params, velocities, lr, momentum):
    with torch.no_grad():
        update_module.sgd(params, [p.grad for p in params], velocities, weight_decay=0.0, momentum=momentum,
                          lr=lr, dampening=0.0, nesterov=False, maximize=False)
