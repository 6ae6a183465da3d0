"""``python -m course bench``: how fast the course trains, runs and grades, measured on this machine.

It trains the same MLP (784-128-64-10, batch 64, SGD with momentum, same seed) three ways: through
the seed lessons' pipeline (torchvision ``transforms`` on PIL images in a ``DataLoader``), through
the course's path (decoded once with ``helper.load_tensors``, normalised once, held in memory on
the device, batches fetched whole by ``helper.tensor_loader``), and at the floor (the same tensors sliced by hand along a random
permutation: no ``Dataset``, no ``DataLoader``). Lessons 6 and 9 train through the course's path at
batch 128, so their own set-ups are measured against the floor too. Then it times every solution
notebook, stock ``nbgrader autograde`` and ``course grade`` per student, and records the peak
resident memory of a lesson run and of a grading worker.
The table goes to ``BENCHMARKS.md``; ``--json`` prints the figures as one JSON object.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .benchmarks import write_section
from .paths import REPO, SOURCE

SECTION = "## Training, lessons and grading"
"""This benchmark's section of BENCHMARKS.md (the others, such as the hub's, are kept)."""

BATCH_SIZE = 64
NORMALISE = (0.5, 0.5)  # the seeds' transforms.Normalize((0.5,), (0.5,))
HIDDEN = (128, 64)
"""The benchmark MLP's hidden layers (the seeds' network)."""
LESSON_SETUPS = {"lesson 6": ("MNIST", 128, (256, 128)), "lesson 9": ("FashionMNIST", 128, (256, 128))}
"""Data set, batch size and MLP hidden layers that lessons 6 and 9 train with, through the course's path."""


def register(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="measure training, notebook and grading speed; write BENCHMARKS.md",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="where to train (default cpu)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per pipeline (default 2)")
    parser.add_argument("--quick", action="store_true",
                        help="reduced run for CI: 1 epoch on 10,000 images, lesson 1 only, 1 student")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--no-write", action="store_true", help="do not write BENCHMARKS.md")
    parser.add_argument("--grading", action="store_true",
                        help="only grading: notebooks per minute locally and on the task queue with 1, 2, 4 workers, "
                        "the per-notebook cost split and the queue's overhead (course/bench_grading.py)")
    parser.add_argument("--students", type=int, default=16, help="with --grading: notebooks graded per run (default 16)")
    parser.add_argument("--queue", metavar="URL", default=None,
                        help="with --grading: Redis to use (default: a private redis-server started for the run)")
    parser.add_argument("--against", metavar="REV", default=None,
                        help="only the solution notebooks: this tree's against those of git revision REV, both run "
                        "here, interleaved (course/bench_against.py)")
    parser.add_argument("--pairs", type=int, default=2,
                        help="with --against: runs of each notebook in each tree, the fastest counts (default 2)")
    parser.add_argument("--only", action="append", default=None, metavar="TEXT",
                        help="with --against: only the notebooks whose path contains TEXT (repeatable; not written)")
    parser.set_defaults(run=main)


def main(args) -> int:
    if args.grading:
        from . import bench_grading

        return bench_grading.main(args)
    if args.against:
        from . import bench_against

        return bench_against.main(args)
    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            print("error: --device cuda, but torch sees no CUDA GPU here")
            return 1
    figures = run(args.device, epochs=1 if args.quick else args.epochs, quick=args.quick)
    if not args.no_write:
        write_section(report(figures))
    print(json.dumps(figures, indent=2) if args.json else table(figures))
    return 0


def run(device: str, epochs: int, quick: bool) -> dict:
    """Every measurement, in one run on this machine."""
    samples = 3_000 if quick else 60_000
    seed = measure_in_child(["seed"], device, epochs, samples)["seed"]
    side_by_side = measure_in_child(["course", "floor"], device, epochs, samples)
    course, floor = side_by_side["course"], side_by_side["floor"]
    lesson_vs_floor = {}
    for lesson, (data, batch_size, hidden) in LESSON_SETUPS.items():
        pair = measure_in_child(["course", "floor"], device, epochs, samples, data, batch_size, hidden)
        lesson_vs_floor[lesson] = round(pair["course"]["s_per_epoch"] / pair["floor"]["s_per_epoch"], 2)
    notebooks = sorted(SOURCE.glob("01_*_en/*.ipynb")) if quick else sorted(SOURCE.glob("*/*.ipynb"))
    lessons = time_notebooks(notebooks)
    grading = time_grading(students=1 if quick else 4)
    return {
        "device": device,
        "machine": machine(device),
        "train_samples": samples,
        "epochs": epochs,
        "seed_s_per_epoch": seed["s_per_epoch"],
        "course_s_per_epoch": course["s_per_epoch"],
        "speedup": round(seed["s_per_epoch"] / course["s_per_epoch"], 2),
        "floor_s_per_epoch": floor["s_per_epoch"],
        "course_vs_floor": round(course["s_per_epoch"] / floor["s_per_epoch"], 2),
        "lesson_vs_floor": lesson_vs_floor,
        "seed_test_acc": seed["test_acc"],
        "course_test_acc": course["test_acc"],
        "floor_test_acc": floor["test_acc"],
        "course_run_s": lessons["total_s"],
        "notebook_s": lessons["per_notebook"],
        "grade_s_per_student": grading["s_per_student"],
        "course_grade_s_per_student": grading["course_grade_s_per_student"],
        "peak_rss_mb_lesson": lessons["peak_rss_mb"],
        "peak_rss_mb_grading": grading["peak_rss_mb"],
        "peak_rss_mb": max(lessons["peak_rss_mb"], grading["peak_rss_mb"], seed["peak_rss_mb"], course["peak_rss_mb"]),
    }


# Training. The seed pipeline runs in a process of its own, so that it warms nothing for the course's
# path. The course's path and the floor share their tensors and train side by side in one process,
# epoch about epoch, so that both meet the same machine (a virtual machine's neighbours, the CPU's
# clock): measured in separate processes, the same work was seen to vary by half.

def measure_in_child(pipelines: list[str], device: str, epochs: int, samples: int, data: str = "MNIST",
                     batch_size: int = BATCH_SIZE, hidden: tuple[int, int] = HIDDEN) -> dict[str, dict]:
    code = ("import json, sys; from course.bench import train_side_by_side; "
            f"print(json.dumps(train_side_by_side({pipelines!r}, {device!r}, {epochs}, {samples}, {data!r}, "
            f"{batch_size}, {tuple(hidden)!r})))")
    output, peak = run_child([sys.executable, "-c", code])
    return {name: {**figures, "peak_rss_mb": peak} for name, figures in json.loads(output.strip().splitlines()[-1]).items()}


def train_pipeline(pipeline: str, device: str, epochs: int, samples: int, data: str = "MNIST",
                   batch_size: int = BATCH_SIZE, hidden: tuple[int, int] = HIDDEN) -> dict:
    """Train an MLP through one pipeline (``seed``, ``course`` or ``floor``); seconds per epoch and test accuracy."""
    return train_side_by_side([pipeline], device, epochs, samples, data, batch_size, hidden)[pipeline]


def train_side_by_side(pipelines: list[str], device: str, epochs: int, samples: int, data: str = "MNIST",
                       batch_size: int = BATCH_SIZE, hidden: tuple[int, int] = HIDDEN) -> dict[str, dict]:
    """Train one MLP per pipeline, taking turns epoch by epoch; each one's fastest epoch and test accuracy.

    All see the same pixel values in the same order (``RandomSampler`` draws the same permutation
    from the same generator as the floor does) and start from the same weights, so they learn the
    same model.
    """
    import torch

    runs = {name: _Run(name, device, samples, data, batch_size, hidden) for name in pipelines}
    seconds = {name: [] for name in pipelines}
    for epoch in range(epochs):
        for name in pipelines if epoch % 2 == 0 else reversed(pipelines):  # neither always goes first
            start = time.perf_counter()
            runs[name].train_epoch()
            if device == "cuda":
                torch.cuda.synchronize()
            seconds[name].append(time.perf_counter() - start)
    return {name: {"s_per_epoch": round(min(seconds[name]), 3), "test_acc": runs[name].test_accuracy()}
            for name in pipelines}


class _Run:
    """One pipeline's data, model and optimizer, ready to train epoch by epoch."""

    def __init__(self, pipeline: str, device: str, samples: int, data: str, batch_size: int, hidden: tuple[int, int]):
        import torch
        from torch import nn
        from torch.utils.data import DataLoader, Subset, TensorDataset
        from torchvision import datasets, transforms

        import helper

        generator = torch.Generator().manual_seed(0)
        if pipeline == "seed":
            transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(*NORMALISE)])
            dataset = getattr(datasets, data)
            train = Subset(dataset(helper.data_root(), train=True, transform=transform), range(samples))
            self.test = dataset(helper.data_root(), train=False, transform=transform)
        else:
            images, labels = _tensors(data, device)
            mean, std = NORMALISE
            train = TensorDataset((images[:samples] - mean) / std, labels[:samples])
            test_images, test_labels = _tensors(data, device, train=False)
            self.test = TensorDataset((test_images - mean) / std, test_labels)
        if pipeline == "floor":
            self.train_loader = SlicedBatches(*train.tensors, batch_size, generator)
        elif pipeline == "course":
            self.train_loader = helper.tensor_loader(*train.tensors, batch_size, shuffle=True, generator=generator)
        else:
            self.train_loader = DataLoader(train, batch_size=batch_size, shuffle=True, generator=generator)
        torch.manual_seed(0)
        self.model = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden[0]), nn.ReLU(), nn.Linear(*hidden), nn.ReLU(),
                                   nn.Linear(hidden[1], 10)).to(device)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.01, momentum=0.9)
        self.criterion = nn.CrossEntropyLoss()
        self.device = device

    def train_epoch(self) -> None:
        self.model.train()
        for x, y in self.train_loader:
            x, y = x.to(self.device), y.to(self.device)
            self.optimizer.zero_grad()
            self.criterion(self.model(x), y).backward()
            self.optimizer.step()

    def test_accuracy(self) -> float:
        import torch
        from torch.utils.data import DataLoader

        self.model.eval()
        correct = 0
        with torch.no_grad():
            for x, y in DataLoader(self.test, batch_size=1000):
                correct += (self.model(x.to(self.device)).argmax(dim=1) == y.to(self.device)).sum().item()
        return round(correct / len(self.test), 4)


_loaded: dict[tuple, tuple] = {}


def _tensors(data: str, device: str, train: bool = True) -> tuple:
    """``helper.load_tensors``, once per process: pipelines side by side share the same tensors."""
    import helper

    key = (data, device, train)
    if key not in _loaded:
        _loaded[key] = helper.load_tensors(data, train=train, device=device)
    return _loaded[key]


class SlicedBatches:
    """The floor: batches cut from the tensors by hand, in the order a shuffling DataLoader would use.

    The order comes from the same ``RandomSampler`` on the same generator, after the same draw of a
    base seed that a DataLoader makes first; then one indexing per batch instead of one
    ``__getitem__`` per sample and a ``collate``. So floor and course path learn the same model.
    """

    def __init__(self, inputs, labels, batch_size: int, generator):
        from torch.utils.data import RandomSampler

        self.inputs, self.labels, self.batch_size, self.generator = inputs, labels, batch_size, generator
        self.sampler = RandomSampler(range(len(labels)), generator=generator)

    def __iter__(self):
        import torch

        torch.empty((), dtype=torch.int64).random_(generator=self.generator)
        order = torch.tensor(list(self.sampler), device=self.labels.device)
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            yield self.inputs[batch], self.labels[batch]


# Notebooks and grading.

EXECUTE_NOTEBOOKS = (
    "import json, sys, time, nbformat; from nbclient import NotebookClient\n"
    "times = {}\n"
    "for path in sys.argv[1:]:\n"
    "    nb = nbformat.read(path, as_version=4); start = time.perf_counter()\n"
    "    NotebookClient(nb, timeout=600, resources={'metadata': {'path': str(__import__('pathlib').Path(path).parent)}}).execute()\n"
    "    times[path] = round(time.perf_counter() - start, 2)\n"
    "print(json.dumps(times))")
"""A child's program: execute each notebook given, each in a fresh kernel; print {path: seconds} as JSON."""


def time_notebooks(notebooks: list[Path]) -> dict:
    """Execute each solution notebook in a fresh kernel; seconds each and the peak memory."""
    output, peak = run_child([sys.executable, "-c", EXECUTE_NOTEBOOKS, *map(str, notebooks)])
    times = json.loads(output.strip().splitlines()[-1])
    per_notebook = {str(Path(p).relative_to(SOURCE)): s for p, s in times.items()}
    return {"total_s": round(sum(per_notebook.values()), 1), "per_notebook": per_notebook, "peak_rss_mb": peak}


def time_grading(students: int) -> dict:
    """Lesson 1 graded for ``students`` copies of a right answer, in a scratch course: seconds per student
    with stock ``nbgrader autograde`` and with ``course grade`` (sandboxed, one at a time; None without
    bubblewrap), and the peak memory of the nbgrader worker. Both graders read the same submissions."""
    import shutil

    import nbformat

    from .build import generate_assignment, nbgrader_environment

    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch)
        shutil.copy(REPO / "nbgrader_config.py", course)
        shutil.copytree(SOURCE / "01_softmax_en", course / "source" / "01_softmax_en")
        generate_assignment("01_softmax_en", course)
        answer = (REPO / "autograder" / "exercises" / "softmax" / "samples" / "correct_max_shift.py").read_text()
        released = nbformat.read(course / "release" / "01_softmax_en" / "softmax.ipynb", as_version=4)
        for cell in released.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "softmax":
                cell.source = answer
        for index in range(students):
            target = course / "submitted" / f"student{index}" / "01_softmax_en" / "softmax.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(released, target)
        start = time.perf_counter()
        _, peak = run_child([sys.executable, "-m", "nbgrader", "autograde", "01_softmax_en"], cwd=course,
                            env=nbgrader_environment())
        stock = time.perf_counter() - start
        sandboxed = None
        if shutil.which("bwrap") is not None:
            start = time.perf_counter()
            run_child([sys.executable, "-m", "course", "grade", str(course / "submitted"), "--out",
                       str(course / "graded"), "--gradebook", str(course / "graded.db"), "--jobs", "1"])
            sandboxed = round((time.perf_counter() - start) / students, 2)
    return {"s_per_student": round(stock / students, 2), "course_grade_s_per_student": sandboxed,
            "peak_rss_mb": peak}


def run_child(command: list[str], cwd: Path = REPO, env=None) -> tuple[str, float]:
    """Run ``command``; its output and the peak resident memory (MB) of it and everything it ran.

    ``wait4`` reports the largest resident set of the child and of every process it waited for
    (Jupyter kernels included), which is what a lesson run or a grading worker needs.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
    if child.returncode:
        raise SystemExit(f"error: {' '.join(command[:4])} failed:\n{errors[-2000:]}")
    return output, round(usage.ru_maxrss / 1024, 1)


# Reporting.

def machine(device: str) -> str:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    described = f"{cpu}, {os.cpu_count()} cores, {memory_gb:.0f} GiB, torch {torch.__version__}"
    if device == "cuda":
        described += f", GPU {torch.cuda.get_device_name(0)}"
    return described


def table(figures: dict) -> str:
    rows = [
        ("Seed pipeline (PIL transforms + DataLoader), s/epoch", figures["seed_s_per_epoch"]),
        ("Course path (tensors in memory), s/epoch", figures["course_s_per_epoch"]),
        ("Speed-up", f"{figures['speedup']}×"),
        ("Floor (same tensors sliced by hand), s/epoch", figures["floor_s_per_epoch"]),
        ("Course path / floor", f"{figures['course_vs_floor']}×"),
        *((f"{lesson.capitalize()} set-up (batch 128) / its floor", f"{ratio}×")
          for lesson, ratio in figures["lesson_vs_floor"].items()),
        ("Seed pipeline test accuracy", figures["seed_test_acc"]),
        ("Course path test accuracy", figures["course_test_acc"]),
        ("Floor test accuracy", figures["floor_test_acc"]),
        (f"All solution notebooks ({len(figures['notebook_s'])}), s", figures["course_run_s"]),
        ("Autograde (stock nbgrader), s per student", figures["grade_s_per_student"]),
        ("course grade (sandboxed, --jobs 1), s per student",
         figures["course_grade_s_per_student"] if figures["course_grade_s_per_student"] is not None
         else "not measured (no bubblewrap)"),
        ("Peak memory, lesson run, MB", figures["peak_rss_mb_lesson"]),
        ("Peak memory, grading worker, MB", figures["peak_rss_mb_grading"]),
    ]
    lines = ["| Measure | Value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows)]
    lines += ["", "| Notebook | Seconds |", "|---|---|",
              *(f"| {name} | {seconds} |" for name, seconds in figures["notebook_s"].items())]
    return "\n".join(lines)


def report(figures: dict) -> str:
    return (f"{SECTION}\n\nMeasured by `python -m course bench` on {time.strftime('%Y-%m-%d')}.\n\n"
            f"Machine: {figures['machine']}; device: {figures['device']}. Training: MLP 784-128-64-10, batch "
            f"{BATCH_SIZE}, {figures['epochs']} epoch(s) on {figures['train_samples']:,} MNIST images; "
            "seconds per epoch are the fastest epoch. The lesson set-ups: lesson 6, MLP 784-256-128-10 at batch "
            "128 on MNIST; lesson 9, the same MLP on FashionMNIST; each through the course's path and at its "
            "floor.\n\n" + table(figures) + "\n")
