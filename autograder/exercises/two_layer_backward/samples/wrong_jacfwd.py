# expect: uses_torch_func
# torch.func.jacfwd differentiates the loss with forward-mode AD: the gradients are right, the work is autograd's.
def two_layer_backward(X, y, W1, W2):
    def loss(a, b):
        y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)
        return -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).mean()

    return torch.func.jacfwd(loss, argnums=(0, 1))(W1, W2)
