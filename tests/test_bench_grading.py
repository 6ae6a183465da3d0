"""``python -m course bench --grading``'s report: its own BENCHMARKS.md section, the projection from the figures."""

from course import bench_grading
from course.benchmarks import write_section

FIGURES = {"students": 16, "cores": 2, "local": 64.0, "workers": {1: 66.0, 2: 40.0, 4: 32.0},
           "split": {"total": 4.0, "zygote_start": 2.5, "probe": 3.45, "judge": 0.05, "prepare": 0.1, "grader": 0.05},
           "overhead_total": 3.0, "overhead_local": 1.0}


def test_the_report_is_its_own_section_and_projects_from_the_best_rate(tmp_path):
    text = bench_grading.report(FIGURES)
    assert text.startswith(bench_grading.SECTION + "\n")
    assert "| queue, 4 worker(s) | 30.0 | 2.00 |" in text  # 16 notebooks in 32 s
    assert "0.125 s per task" in text and "3.1 %" in text  # (3 - 1) / 16 of 4 s
    assert "| 1 | 300 min |" in text and "| 32 | 9 min |" in text  # 9000 notebooks at 30 a minute
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\n## Other\n\nkept\n", encoding="utf-8")
    write_section(text, path)
    write_section(text, path)
    written = path.read_text(encoding="utf-8")
    assert written.count(bench_grading.SECTION) == 1 and "kept" in written
