"""One list of requirements: every package pinned, environment.yml in step, the venv matching."""

import re
from importlib.metadata import version

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
