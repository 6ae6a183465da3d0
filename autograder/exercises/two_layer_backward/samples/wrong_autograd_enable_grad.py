# expect: uses_graph
# Sneaks autograd in: turns grad mode back on and differentiates copies of the weights.
def two_layer_backward(X, y, W1, W2):
    with torch.enable_grad():
        A = W1.detach().clone().requires_grad_(True)
        B = W2.detach().clone().requires_grad_(True)
        y_hat = torch.sigmoid(torch.sigmoid(X @ A) @ B)
        loss = torch.nn.functional.binary_cross_entropy(y_hat, y)
        dW1, dW2 = torch.autograd.grad(loss, (A, B))
    return dW1, dW2
