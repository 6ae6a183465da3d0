# A correct answer that leaves a process behind; grading must not let it outlive the run.
import subprocess

subprocess.Popen(["sleep", "4242"], start_new_session=True)


def softmax(x):
    shifted = x - x.max(dim=1, keepdim=True).values
    exp = shifted.exp()
    return exp / exp.sum(dim=1, keepdim=True)
