"""Entry point: ``python -m course <verb> --help``."""

import argparse
import os
import sys
from pathlib import Path

from . import bench, build, check, data, exports, grade, hub, lab, worker


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m course", description=__import__("course").__doc__.split("\n\n")[0])
    verbs = root.add_subparsers(title="verbs", required=True, metavar="VERB")
    for module in (data, build, check, lab, grade, exports, hub, bench, worker):
        module.register(verbs)
    return root


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    interpreter_bin_first_on_path()
    return args.run(args)


def interpreter_bin_first_on_path() -> None:
    """Put this Python's ``bin/`` first on PATH for every process a command starts.

    nbgrader creates a gradebook by running ``alembic`` from PATH, and Jupyter finds its kernels and
    servers there: ``.venv/bin/python -m course ...`` must work without an activated venv.
    """
    own_bin = str(Path(sys.executable).parent)
    entries = os.environ.get("PATH", "").split(os.pathsep)
    if entries[:1] != [own_bin]:
        os.environ["PATH"] = os.pathsep.join([own_bin, *entries])


if __name__ == "__main__":
    sys.exit(main())
