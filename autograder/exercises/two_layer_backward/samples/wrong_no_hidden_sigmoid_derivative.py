# expect: no_hidden_slope
# Goes back through W2 but forgets the hidden layer's sigmoid: no h (1 - h) factor.
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)
    y_hat = torch.sigmoid(h @ W2)
    dz2 = (y_hat - y) / N
    dW2 = h.T @ dz2
    dz1 = dz2 @ W2.T
    dW1 = X.T @ dz1
    return dW1, dW2
