# expect: uses_graph
# Lets autograd do the work: loss.backward() is exactly what the exercise asks you to write by hand.
def two_layer_backward(X, y, W1, W2):
    W1.requires_grad_(True)
    W2.requires_grad_(True)
    y_hat = torch.sigmoid(torch.sigmoid(X @ W1) @ W2)
    loss = -(y * torch.log(y_hat) + (1 - y) * torch.log(1 - y_hat)).mean()
    loss.backward()
    return W1.grad, W2.grad
