# Tries to read the solution, the hidden tests, the gradebook and the data from disk, and to use them.
import json
from pathlib import Path

COURSE = Path("{repo}")
stolen = None
for path in [COURSE / "source" / "01_softmax_en" / "softmax.ipynb", COURSE / "autograder" / "exercises" / "softmax.py",
             COURSE / "gradebook.db", COURSE / "data", Path("{data}")]:
    try:
        if path.is_dir():
            raise SystemExit(f"could list {path}: {list(path.iterdir())}")
        text = path.read_bytes()
        raise SystemExit(f"could read {path} ({len(text)} bytes)")
    except (FileNotFoundError, PermissionError, NotADirectoryError):
        pass


def softmax(x):
    raise NotImplementedError()
