# expect: uses_graph
# Pops the checker's saved-tensors hook off the stack, builds a graph unseen by it, then pushes a hook back.
def two_layer_backward(X, y, W1, W2):
    torch._C._autograd._pop_saved_tensors_default_hooks()
    try:
        with torch.enable_grad():
            a, b = W1.clone().requires_grad_(), W2.clone().requires_grad_()
            y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)
            loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).mean()
            return torch.autograd.grad(loss, (a, b))
    finally:
        torch._C._autograd._push_saved_tensors_default_hooks(lambda t: t, lambda t: t)
