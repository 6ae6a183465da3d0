"""One list of requirements: every package pinned, environment.yml in step, the venv matching."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions, version

from course.paths import REPO

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)$")
REQUIRED = {"torch": "2.14.1", "torchvision": "0.29.1"}
NEEDED = {"jupyterlab", "nbgrader", "nbval", "matplotlib", "tqdm", "pytest"}


def pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        line = line.strip().removeprefix("- ")
        match = PIN.match(line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def requirement_lines():
    return [line for line in (REPO / "requirements.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")]


def test_every_requirement_is_pinned_exactly():
    lines = requirement_lines()
    assert len(pins(lines)) == len(lines), "every line of requirements.txt must be NAME==VERSION"


def test_course_pins_and_needs():
    requirements = pins(requirement_lines())
    assert {name: requirements.get(name) for name in REQUIRED} == REQUIRED
    assert NEEDED <= set(requirements)


def test_environment_yml_names_the_same_packages_and_pins():
    conda = pins((REPO / "environment.yml").read_text().splitlines())
    assert conda == pins(requirement_lines())


def test_installed_versions_match_the_pins():
    mismatched = {name: (pinned, version(name)) for name, pinned in pins(requirement_lines()).items()
                  if version(name).split("+")[0] != pinned}
    assert mismatched == {}, "the venv is out of date: run `make setup` (pinned, installed)"


LOCAL = {"helper", "course", "autograder", "conftest", *(p.stem for p in (REPO / "tests").glob("*.py"))}
"""Modules of this repository (the tests import each other's helpers)."""


def _imported_distributions(files) -> dict[str, str]:
    """{distribution: a file importing it} for the third-party modules ``files`` import."""
    owners, found = packages_distributions(), {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else []
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in LOCAL:
                    continue
                for distribution in owners.get(top, [top]):
                    found.setdefault(_normal(distribution), str(path.relative_to(REPO)))
    return found


def _distribution(requirement: str) -> str:
    """The normalised distribution name of a requirement such as ``celery[redis]==5.7.0``."""
    return _normal(re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0])


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _course_code(tests: bool):
    """The course's Python files (student answers in samples/ and the hostile corpus aside): its code, or its tests."""
    files = [p for folder in ("helper", "course", "autograder") for p in (REPO / folder).rglob("*.py")
             if not {"samples", "answers", ".venv"} & set(p.parts)]
    is_test = lambda p: p.name.startswith("test_") or p.name in ("conftest.py", "testing.py")  # noqa: E731
    return [p for p in files if is_test(p) == tests] + (sorted((REPO / "tests").glob("*.py")) if tests else [])


def test_pyproject_lists_every_package_the_code_imports_and_requirements_pin_them():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    declared = {_distribution(d) for d in project["dependencies"] + extras["queue"]}  # the queue's: only with --queue
    declared_for_tests = declared | {_distribution(d) for d in extras["test"]}
    missing = {d: f for d, f in _imported_distributions(_course_code(tests=False)).items() if d not in declared}
    assert not missing, f"add to [project] dependencies in pyproject.toml (imported by): {missing}"
    missing = {d: f for d, f in _imported_distributions(_course_code(tests=True)).items() if d not in declared_for_tests}
    assert not missing, f"add to [project.optional-dependencies] test (imported by): {missing}"
    unpinned = declared_for_tests - {_normal(n) for n in pins(requirement_lines())}
    assert not unpinned, f"pin these in requirements.txt too: {sorted(unpinned)}"
