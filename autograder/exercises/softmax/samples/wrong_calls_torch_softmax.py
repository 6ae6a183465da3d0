# expect: forbidden_call
# Calls the library function the exercise forbids, through an alias to hide it.
from torch.nn import functional as nn_functions

activation = nn_functions.softmax


def softmax(x):
    return activation(x, dim=1)
