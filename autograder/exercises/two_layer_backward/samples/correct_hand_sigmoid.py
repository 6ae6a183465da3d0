# Also right: a sigmoid written by hand as 1 / (1 + exp(-z)). exp(-z) overflows to inf for z below
# about -710, but 1 / inf is exactly 0, the right limit, so it stays finite where the sigmoid saturates.
def sigmoid(z):
    return 1 / (1 + torch.exp(-z))


def two_layer_backward(X, y, W1, W2):
    n = X.shape[0]
    h = sigmoid(X @ W1)
    y_hat = sigmoid(h @ W2)
    d_z2 = (y_hat - y) / n
    d_z1 = (d_z2 @ W2.T) * h * (1 - h)
    return X.T @ d_z1, h.T @ d_z2
