"""``python -m course bench``: the figures exist and mean what they say (their sizes are BENCHMARKS.md's)."""

import json
import subprocess
import sys

import pytest

from course.bench import train_pipeline, train_side_by_side
from course.paths import REPO

pytestmark = pytest.mark.slow
KEYS = {"seed_s_per_epoch", "course_s_per_epoch", "speedup", "seed_test_acc", "course_test_acc",
        "course_run_s", "grade_s_per_student", "peak_rss_mb", "device"}


def test_both_pipelines_learn_the_same_model(data_root):
    """Same seed, same data order, same pixel values: the two pipelines must reach the same accuracy."""
    seed = train_pipeline("seed", "cpu", epochs=1, samples=2_000)
    course = train_pipeline("course", "cpu", epochs=1, samples=2_000)
    assert seed["test_acc"] == pytest.approx(course["test_acc"], abs=0.01)
    assert seed["test_acc"] > 0.3  # one short epoch: far above chance (0.1), far from done


def test_the_floor_learns_the_same_model_as_the_course_path(data_root):
    """The floor slices the same tensors in the same order, without a DataLoader: the same model comes out."""
    side_by_side = train_side_by_side(["course", "floor"], "cpu", epochs=2, samples=2_000, data="FashionMNIST",
                                      batch_size=128)
    alone = train_pipeline("floor", "cpu", epochs=2, samples=2_000, data="FashionMNIST", batch_size=128)
    # the same batches, bit for bit, in the same order; and taking turns changes nothing either
    assert side_by_side["course"]["test_acc"] == side_by_side["floor"]["test_acc"] == alone["test_acc"]
    assert alone["test_acc"] > 0.4


def test_quick_benchmark_prints_every_figure_as_json(data_root):
    result = subprocess.run([sys.executable, "-m", "course", "bench", "--quick", "--json", "--no-write"],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout)
    assert KEYS <= set(figures)
    # How much faster the course's path is, is a figure for BENCHMARKS.md (measured on an idle machine), not
    # a test: on a loaded machine (this suite runs on both cores) one pipeline may meet more neighbours.
    assert figures["device"] == "cpu" and figures["speedup"] > 0
    assert figures["speedup"] == pytest.approx(figures["seed_s_per_epoch"] / figures["course_s_per_epoch"], rel=0.01)
    assert figures["course_vs_floor"] == pytest.approx(figures["course_s_per_epoch"] / figures["floor_s_per_epoch"],
                                                       rel=0.01)
    assert set(figures["lesson_vs_floor"]) == {"lesson 6", "lesson 9"}
    assert all(ratio > 0 for ratio in figures["lesson_vs_floor"].values())
    assert figures["floor_test_acc"] == figures["course_test_acc"]
    assert figures["course_grade_s_per_student"] is None or figures["course_grade_s_per_student"] > 0
    assert 0.5 < figures["course_test_acc"] <= 1 and figures["grade_s_per_student"] > 0
    assert figures["peak_rss_mb"] >= max(figures["peak_rss_mb_lesson"], figures["peak_rss_mb_grading"]) > 100
    assert list(figures["notebook_s"]) == ["01_softmax_en/softmax.ipynb"]


def test_each_benchmark_rewrites_its_own_section_of_benchmarks_md_and_keeps_the_others(tmp_path):
    from course.benchmarks import write_section

    path = tmp_path / "BENCHMARKS.md"
    write_section("## Training, lessons and grading\n\nold figures\n", path)
    write_section("## Hub on one server\n\nhub figures\n", path)
    write_section("## Training, lessons and grading\n\nnew figures\n", path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    assert "new figures" in text and "old figures" not in text and "hub figures" in text
    assert text.index("## Training") < text.index("## Hub")
    assert "new figures\n\n## Hub" in text  # a replaced section stays apart from the next one


def test_against_a_revision_runs_both_trees_here_and_leaves_no_worktree(data_root):
    """``--against HEAD``: the committed tree, checked out aside, against this one, on lesson 5 only."""
    result = subprocess.run([sys.executable, "-m", "course", "bench", "--against", "HEAD", "--only",
                             "05_backprop_en", "--pairs", "1", "--json"], cwd=REPO, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    figures = json.loads(result.stdout)
    [(notebook, row)] = figures["notebooks"].items()
    assert notebook == "05_backprop_en/backprop.ipynb" and row["then"] > 0 and row["now"] > 0
    assert figures["change"] == pytest.approx(figures["now_s"] / figures["then_s"] - 1, abs=0.002)
    assert figures["pairs"] == 1
    worktrees = subprocess.run(["git", "-C", str(REPO), "worktree", "list"], capture_output=True, text=True).stdout
    assert "course-bench-against-" not in worktrees
    wrong = subprocess.run([sys.executable, "-m", "course", "bench", "--against", "no-such-revision"], cwd=REPO,
                           capture_output=True, text=True, timeout=60)
    assert wrong.returncode == 2 and "not a commit of this repository" in wrong.stderr
