# expect: input_modified
# Right gradients, but also takes a gradient-descent step in place: W1 and W2 of the caller change.
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = (y_hat - y) / N
    dW2 = h.T @ dz2
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = X.T @ dz1
    W1 -= 0.5 * dW1
    W2 -= 0.5 * dW2
    return dW1, dW2
