"""Entry point: ``python -m course <verb> --help``."""

import argparse
import sys

from . import bench, build, check, data, grade, hub, lab


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m course", description=__import__("course").__doc__.split("\n\n")[0])
    verbs = root.add_subparsers(title="verbs", required=True, metavar="VERB")
    for module in (data, build, check, lab, grade, hub, bench):
        module.register(verbs)
    return root


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
