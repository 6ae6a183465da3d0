# A correct answer that also tries to write where it should not; every write must fail.
from pathlib import Path

for target in [Path("{repo}") / "hacked.txt", Path("{repo}") / "source" / "hacked.txt", Path("{submitted}") / "hacked.txt",
               Path("{out}") / "grades.csv", Path("/tmp/hacked.txt"), Path.home().parent / "hacked.txt"]:
    try:
        target.write_text("pwned")
    except OSError:
        pass


def softmax(x):
    shifted = x - x.max(dim=1, keepdim=True).values
    exp = shifted.exp()
    return exp / exp.sum(dim=1, keepdim=True)
