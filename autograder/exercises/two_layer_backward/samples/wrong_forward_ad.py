# expect: uses_forward_ad
# Forward-mode AD instead of the chain rule by hand: one dual tensor per weight entry, whose tangent
# is the derivative of the loss along it. Nothing is recorded for a backward pass, but it is autograd.
import torch.autograd.forward_ad as fwAD


def two_layer_backward(X, y, W1, W2):
    def loss(a, b):
        y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)
        return -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).mean()

    grads = []
    for index, weight in enumerate((W1, W2)):
        grad = torch.zeros_like(weight)
        for k in range(weight.numel()):
            direction = torch.zeros_like(weight)
            direction.view(-1)[k] = 1
            with fwAD.dual_level():
                dual = fwAD.make_dual(weight, direction)
                value = loss(dual, W2) if index == 0 else loss(W1, dual)
                grad.view(-1)[k] = fwAD.unpack_dual(value).tangent
        grads.append(grad)
    return tuple(grads)
