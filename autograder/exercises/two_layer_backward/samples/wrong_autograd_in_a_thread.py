# expect: uses_graph
# Runs autograd in another thread, where grad mode is on again and this thread's hooks do not reach.
import threading


def two_layer_backward(X, y, W1, W2):
    found = {}

    def work():
        a, b = W1.clone().requires_grad_(), W2.clone().requires_grad_()
        y_hat = torch.sigmoid(torch.sigmoid(X @ a) @ b)
        loss = -(y * y_hat.log() + (1 - y) * (1 - y_hat).log()).mean()
        found["grads"] = torch.autograd.grad(loss, (a, b))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return found["grads"]
