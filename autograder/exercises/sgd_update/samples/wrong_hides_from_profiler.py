# expect: watch_removed
# Switches off Python's profiling hook before letting torch.optim.SGD do the work, hoping not to be seen.
import sys


def sgd_update(parameters, lr):
    sys.setprofile(None)
    torch.optim.SGD(parameters, lr=lr).step()
