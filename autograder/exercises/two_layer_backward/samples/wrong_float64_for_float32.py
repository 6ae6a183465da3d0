# expect: wrong_dtype
# Computes in float64 for accuracy and returns float64 gradients for float32 weights: each gradient
# must have its weight's dtype (an optimizer adds it to the weight in place).
def two_layer_backward(X, y, W1, W2):
    X, y, W1, W2 = (t.double() for t in (X, y, W1, W2))
    h = torch.sigmoid(X @ W1)
    d_z2 = (torch.sigmoid(h @ W2) - y) / X.shape[0]
    return X.T @ ((d_z2 @ W2.T) * h * (1 - h)), h.T @ d_z2
