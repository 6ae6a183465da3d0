# expect: used_optim_code
# Builds the optimizer once, outside the function, and hands it the parameters at each call:
# no optimizer is created inside sgd_update, but torch.optim.SGD.step still does the work.
_optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)


def sgd_update(parameters, lr):
    _optimizer.param_groups[0]["params"] = list(parameters)
    _optimizer.param_groups[0]["lr"] = lr
    _optimizer.step()
