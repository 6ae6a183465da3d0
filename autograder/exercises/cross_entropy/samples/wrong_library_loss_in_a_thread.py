# expect: forbidden_call
# Hides the library loss in another thread, where this thread's operator log does not reach: the loss's
# autograd graph still records NllLossBackward0 and LogSoftmaxBackward0, whichever thread built it.
import threading


def cross_entropy(logits, targets):
    found = {}
    worker = threading.Thread(target=lambda: found.update(loss=F.cross_entropy(logits, targets)))
    worker.start()
    worker.join()
    return found["loss"]
