# expect: wrong_shape
# Returns the gradients in backprop order, (dW2, dW1), instead of (dW1, dW2).
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = (y_hat - y) / N
    dW2 = h.T @ dz2
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = X.T @ dz1
    return dW2, dW1
