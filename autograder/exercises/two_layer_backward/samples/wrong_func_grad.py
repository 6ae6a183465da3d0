# expect: uses_torch_func
# torch.func.grad differentiates a loss function written out in full: the gradients are autograd's, not yours.
def two_layer_backward(X, y, W1, W2):
    def loss(a, b):
        y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)
        return torch.nn.functional.binary_cross_entropy(y_hat, y)

    return torch.func.grad(loss, argnums=(0, 1))(W1, W2)
