# expect: used_optimizer
# Lets torch.optim.SGD do the work: the exercise is to write the update by hand.
def sgd_update(parameters, lr):
    optimizer = torch.optim.SGD(parameters, lr=lr)
    optimizer.step()
