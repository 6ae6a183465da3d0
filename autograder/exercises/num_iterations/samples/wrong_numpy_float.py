# expect: not_int
# Right number, wrong type: numpy.ceil returns a float (938.0), not an int.
import numpy as np


def num_iterations(n_samples, batch_size, epochs):
    return np.ceil(n_samples / batch_size) * epochs
