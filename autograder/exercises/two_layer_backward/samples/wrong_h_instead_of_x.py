# expect: wrong_shape
# Uses the layer's output h instead of its input X for dW1 (as if dW1 were built like dW2).
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = (y_hat - y) / N
    dW2 = h.T @ dz2
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = h.T @ dz1
    return dW1, dW2
