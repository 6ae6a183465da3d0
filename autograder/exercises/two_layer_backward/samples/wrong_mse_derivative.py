# expect: mse_derivative
# Uses the derivative of the mean squared error, (y_hat - y) sigma'(z2) / N, instead of cross-entropy's.
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = (y_hat - y) * y_hat * (1 - y_hat) / N
    dW2 = h.T @ dz2
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = X.T @ dz1
    return dW1, dW2
