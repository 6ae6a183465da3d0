# The lesson's answer: forward pass, then the chain rule backwards, one named quantity per step.
def two_layer_backward(X, y, W1, W2):
    N = X.shape[0]
    h = torch.sigmoid(X @ W1)            # (N, H)
    y_hat = torch.sigmoid(h @ W2)        # (N, 1)
    dz2 = (y_hat - y) / N                # (N, 1)  sigmoid + BCE simplify to this
    dW2 = h.T @ dz2                      # (H, 1)
    dh = dz2 @ W2.T                      # (N, H)
    dz1 = dh * h * (1 - h)               # (N, H)  through the hidden sigmoid
    dW1 = X.T @ dz1                      # (D, H)
    return dW1, dW2
