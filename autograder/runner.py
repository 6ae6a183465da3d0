"""``python -m autograder.runner JOB``: run one answer cell on the grader's inputs, inside the sandbox.

``JOB/job.json`` names the exercise, the language, the notebook's imports (``context``), the answer
cell's source and the names it must define; ``JOB/inputs.*`` holds the cases (see
``autograder.wire``). The observations go to ``JOB/outputs.*``. Nothing here decides a grade: the
sandbox holds the probes and ``helper``, and no judge or reference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

from helper.i18n import set_language

from . import simulated_device, wire
from .exercise import exercise
from .probing import ERROR, run_probe
from .verdict import CheckFailed, fail


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
        try:
            exec(compile(job["context"], "<notebook imports>", "exec"), namespace)
            exec(compile(job["answer"], f"<answer cell {job['cell']}>", "exec"), namespace)
        except BaseException as error:
            fail("grade_answer_crashed", cell=job["cell"], error=type(error).__name__, detail=str(error)[:300])
        missing = [name for name in job["defines"] if name not in namespace]
        if missing:
            fail("grade_answer_missing_names", cell=job["cell"], names=", ".join(missing))
    except CheckFailed as failure:
        return {ERROR: {"id": failure.message_id, "fields": {k: str(v) for k, v in failure.fields.items()},
                        "text": str(failure)}}
    return tuple(namespace[name] for name in job["defines"])


def probe_of(name: str):
    """The probe of exercise ``name``, with the exercise's messages loaded for the failures it raises."""
    return exercise(name).part("probe").probe


def main(job_dir: Path) -> None:
    job = json.loads((job_dir / "job.json").read_text(encoding="utf-8"))
    set_language(job["language"])
    torch.set_num_threads(max(1, int(job.get("threads", 1))))
    cases = wire.load(job_dir / "inputs")
    defined = define(job)
    if isinstance(defined, dict):
        results = [defined for _ in cases]
    else:
        probe = probe_of(job["exercise"])
        results = [probe_on_its_device(probe, defined, device, inputs) for _name, device, inputs in cases]
    with simulated_device.simulated():  # tensors from a simulated GPU are written with the device they are on
        wire.save({"cases": results}, job_dir / "outputs")


def probe_on_its_device(probe, defined: tuple, device: str, inputs: dict) -> dict:
    """The probe on one case, on a simulated GPU when the case is for a GPU this machine does not have."""
    if not (device == "cuda" and simulated_device.needed()):
        return run_probe(probe, defined, inputs)
    with simulated_device.simulated():
        simulated_device.adopt(inputs)
        return run_probe(probe, defined, inputs)


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve())
