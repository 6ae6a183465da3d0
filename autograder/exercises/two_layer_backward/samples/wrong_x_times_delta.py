# expect: error_matmul
# Transpose in the wrong place: X @ dz1 instead of X.T @ dz1 (shapes only fit when N == D).
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = (y_hat - y) / N
    dW2 = h.T @ dz2
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = X @ dz1
    return dW1, dW2
