# expect: none_grad
# Forgets that a parameter may have no gradient (.grad is None): lr * None raises a TypeError.
def sgd_update(parameters, lr):
    with torch.no_grad():
        for p in parameters:
            p -= lr * p.grad
