# expect: times_n
# Forgets the 1/N: these are the gradients of the summed loss, N times too large.
def two_layer_backward(X, y, W1, W2):
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = y_hat - y
    dW2 = h.T @ dz2
    dz1 = (dz2 @ W2.T) * h * (1 - h)
    dW1 = X.T @ dz1
    return dW1, dW2
