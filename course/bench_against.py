"""``python -m course bench --against REV``: the solution notebooks of this tree against those of REV, here.

A figure recorded on another day is usually from another machine (BENCHMARKS.md's lesson times of
2026-12-03 came from an AMD EPYC, those of 2026-12-07 from an Intel Xeon), so "how much slower did the
lessons get" is only answered by running both versions on one machine, at one time. REV is checked out
in a temporary git worktree; each notebook the two trees share runs ``--pairs`` times (default 2) in
each tree, each run in a fresh kernel, in turns (REV, this tree, this tree, REV...), so that a change in
the machine's load hits both alike, and the fastest run of each counts. A kernel imports ``helper`` and ``autograder`` from its own tree
(``PYTHONPATH``); both read the same prepared data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .bench import EXECUTE_NOTEBOOKS, run_child
from .paths import REPO, SOURCE

def section_heading(rev: str) -> str:
    return f"## Solution notebooks against {rev}"


def main(args) -> int:
    from .benchmarks import write_section

    if args.pairs < 1:
        print("error: --pairs must be at least 1", file=sys.stderr)
        return 2
    try:
        commit = _git("rev-parse", "--verify", f"{args.against}^{{commit}}").strip()
    except subprocess.CalledProcessError:
        print(f"error: --against {args.against}: not a commit of this repository (git rev-parse failed)",
              file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="course-bench-against-"))
    try:
        _git("worktree", "add", "--detach", str(folder / "tree"), commit)
        figures = compare(folder / "tree", args.only, args.pairs)
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder / "tree")],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
    text = report(args.against, commit, figures)
    print(json.dumps(figures, indent=2) if args.json else text)
    if not args.no_write and not args.only:
        write_section(text)
    return 0


def compare(other: Path, only: list[str] | None = None, pairs: int = 2) -> dict:
    """Seconds per shared notebook, the best of ``pairs`` runs each, for ``other`` (a tree) and this one."""
    from helper.data import DATA_ROOT_VARIABLE, data_root

    shared = sorted(str(p.relative_to(other / "source")) for p in (other / "source").glob("*/*.ipynb")
                    if (SOURCE / p.relative_to(other / "source")).is_file())
    shared = [n for n in shared if not only or any(o in n for o in only)]
    if not shared:
        raise SystemExit("error: the two trees share no solution notebook (source/*/*.ipynb)")
    env = {DATA_ROOT_VARIABLE: str(data_root())}
    rows = {}
    for notebook in shared:
        runs = {"then": [], "now": []}
        for pair in range(pairs):  # then, now, now, then, then, now...: a drift in load hits both alike
            for key in ("then", "now") if pair % 2 == 0 else ("now", "then"):
                runs[key].append(_seconds(other if key == "then" else REPO, notebook, env))
        rows[notebook] = {key: min(seconds) for key, seconds in runs.items()}
        print(f"{notebook}: {rows[notebook]['then']} s then, {rows[notebook]['now']} s now", file=sys.stderr)
    then, now = (round(sum(r[key] for r in rows.values()), 1) for key in ("then", "now"))
    return {"notebooks": rows, "then_s": then, "now_s": now, "change": round(now / then - 1, 3),
            "pairs": pairs, "date": time.strftime("%Y-%m-%d")}


def _seconds(root: Path, notebook: str, env: dict) -> float:
    environment = {**os.environ, **env, "PYTHONPATH": str(root)}
    output, _ = run_child([sys.executable, "-c", EXECUTE_NOTEBOOKS, str(root / "source" / notebook)], cwd=root,
                          env=environment)
    [seconds] = json.loads(output.strip().splitlines()[-1]).values()
    return seconds


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True).stdout


def report(rev: str, commit: str, figures: dict) -> str:
    from .bench import machine

    lines = [section_heading(rev), "",
             f"Measured by `python -m course bench --against {rev}` on {figures['date']}"
             f"{'' if commit.startswith(rev) else f' ({rev} is {commit[:7]})'}. Machine: {machine('cpu')}. "
             f"Each notebook ran {figures['pairs']} time(s) in each tree, each run in a fresh kernel, in turns "
             f"({rev}'s, this tree's, this tree's, {rev}'s...); the fastest run of each counts.", "",
             f"| Notebook | {rev}, s | now, s | change |", "|---|---|---|---|"]
    for notebook, row in figures["notebooks"].items():
        lines.append(f"| {notebook} | {row['then']} | {row['now']} | {row['now'] / row['then'] - 1:+.0%} |")
    lines.append(f"| **all {len(figures['notebooks'])}** | {figures['then_s']} | {figures['now_s']} | "
                 f"{figures['change']:+.1%} |")
    return "\n".join(lines) + "\n"
