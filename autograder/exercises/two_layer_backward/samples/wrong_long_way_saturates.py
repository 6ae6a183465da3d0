# expect: saturated
# visible: passes
# The chain rule without the shortcut, through dL/dy_hat and sigma'(z2) = y_hat (1 - y_hat): right on
# tame inputs, but where the output sigmoid saturates (y_hat exactly 1) it divides by 1 - y_hat = 0 and
# inf * 0 gives nan. The lesson's simplification (y_hat - y) / N is exact there.
def sigmoid(z):
    return 1 / (1 + torch.exp(-z))


def two_layer_backward(X, y, W1, W2):
    n = len(X)
    z1 = torch.mm(X, W1)
    h = sigmoid(z1)
    z2 = torch.mm(h, W2)
    y_hat = sigmoid(z2)
    d_y_hat = -(y / y_hat - (1 - y) / (1 - y_hat)) / n
    d_z2 = d_y_hat * y_hat * (1 - y_hat)
    d_W2 = torch.mm(h.t(), d_z2)
    d_z1 = torch.mm(d_z2, W2.t()) * sigmoid(z1) * (1 - sigmoid(z1))
    d_W1 = torch.mm(X.t(), d_z1)
    return (d_W1, d_W2)
