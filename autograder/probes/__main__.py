"""``python -m autograder.probes JOB``: run one answer cell on the judge's inputs, inside the sandbox.

``JOB/job.json`` names the exercise, the language, the notebook's imports (``context``), the answer
cell's source and the names it must define; ``JOB/inputs.*`` holds the cases (see
``autograder.wire``). The results go to ``JOB/outputs.*``. Nothing here decides a grade.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

from helper.i18n import add_messages, message, set_language

from .. import wire
from . import ERROR, probe_for, run_probe


add_messages({
    "grade_answer_crashed": {
        "en": "the answer cell {cell!r} stopped with {error} when it ran on its own: {detail}",
        "zh": "答案单元格 {cell!r} 单独运行时出错（{error}）：{detail}",
    },
    "grade_answer_missing_names": {
        "en": "the answer cell {cell!r} does not define {names}",
        "zh": "答案单元格 {cell!r} 没有定义 {names}",
    },
})


class _Shell:
    """Stands in for IPython when an answer cell kept a line magic such as ``%matplotlib inline``."""

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, *args, **kwargs):
        return None

    def system(self, *args, **kwargs):
        return None


def define(job: dict) -> tuple | dict:
    """Run the notebook's imports and the answer cell; the names it defined, or why it could not."""
    namespace = {"__name__": "__main__", "get_ipython": _Shell}
    try:
        exec(compile(job["context"], "<notebook imports>", "exec"), namespace)
        exec(compile(job["answer"], f"<answer cell {job['cell']}>", "exec"), namespace)
    except BaseException as error:
        return {ERROR: message("grade_answer_crashed", cell=job["cell"], error=type(error).__name__,
                                detail=str(error)[:300])}
    missing = [name for name in job["defines"] if name not in namespace]
    if missing:
        return {ERROR: message("grade_answer_missing_names", cell=job["cell"], names=", ".join(missing))}
    return tuple(namespace[name] for name in job["defines"])


def main(job_dir: Path) -> None:
    job = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))
    set_language(job["language"])
    torch.set_num_threads(max(1, int(job.get("threads", 1))))
    cases = wire.load(job_dir / "inputs")
    defined = define(job)
    if isinstance(defined, dict):
        results = [defined for _ in cases]
    else:
        probe = probe_for(job["exercise"])
        results = [run_probe(probe, defined, inputs) for _name, inputs in cases]
    wire.save({"cases": results}, job_dir / "outputs")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
