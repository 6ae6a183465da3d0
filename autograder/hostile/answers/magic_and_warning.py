%matplotlib inline
import warnings


def softmax(x):
    warnings.warn("a harmless warning on stderr must not cost points")
    shifted = x - x.max(dim=1, keepdim=True).values
    exp = shifted.exp()
    return exp / exp.sum(dim=1, keepdim=True)
