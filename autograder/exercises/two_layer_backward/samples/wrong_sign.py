# expect: sign
# Sign error: (y - y_hat) / N is the direction that *lowers* the loss, not its gradient.
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = (y - y_hat) / N
    dW2 = h.T @ dz2
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = X.T @ dz1
    return dW1, dW2
