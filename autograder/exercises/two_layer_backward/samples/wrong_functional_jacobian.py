# expect: uses_forward_ad
# torch.autograd.functional.jacobian in forward mode: dual tensors under the hood, autograd all the same.
def two_layer_backward(X, y, W1, W2):
    def loss(a, b):
        y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)
        return -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).mean()

    return torch.autograd.functional.jacobian(loss, (W1, W2), strategy="forward-mode", vectorize=True)
