# expect: transposed
# Multiplies in the other order: dz2.T @ h is the transpose of dW2, shape (1, H) instead of (H, 1).
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = (y_hat - y) / N
    dW2 = dz2.T @ h
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = X.T @ dz1
    return dW1, dW2
