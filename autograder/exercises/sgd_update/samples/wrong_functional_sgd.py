# expect: used_optim_code
# Calls the functional form of torch.optim.SGD instead of writing the update: still torch.optim.
from torch.optim import _functional as optim_functions


def sgd_update(parameters, lr):
    with_grad = [p for p in parameters if p.grad is not None]
    with torch.no_grad():
        optim_functions.sgd(with_grad, [p.grad for p in with_grad], [None] * len(with_grad), weight_decay=0.0,
                            momentum=0.0, lr=lr, dampening=0.0, nesterov=False, maximize=False)
