import sys


def softmax(x):
    sys.exit("bye")
