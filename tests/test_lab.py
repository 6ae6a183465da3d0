"""The run command's last step: JupyterLab comes up on the lessons of the chosen language."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from course.lab import fill_workspace
from course.paths import REPO

pytestmark = pytest.mark.slow
TOKEN = "course-test-token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str):
    request = urllib.request.Request(url, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def wait_for_listing(url: str, server: subprocess.Popen, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"JupyterLab exited early with code {server.returncode}")
        try:
            return get_json(url)
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"JupyterLab did not answer at {url} within {seconds} s")


def start_lab(port: int, workspace, *options: str) -> subprocess.Popen:
    """``python -m course lab`` in the background, in its own process group (see :func:`stop`)."""
    layouts = Path(workspace).parent / f"lab-layouts-{port}"  # each server remembers only its own tabs
    command = [sys.executable, "-m", "course", "lab", "--headless", "--port", str(port),
               "--workspace", str(workspace), *options, "--", f"--IdentityProvider.token={TOKEN}",
               f"--LabApp.workspaces_dir={layouts}"]
    return subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_lab_serves_the_lessons_of_the_chosen_language(tmp_path, mirror, language):
    port = free_port()
    server = start_lab(port, tmp_path, "--lang", language, "--mirror", str(mirror))
    try:
        listing = wait_for_listing(f"http://127.0.0.1:{port}/api/contents/01_softmax_{language}", server)
        assert [item["name"] for item in listing["content"]] == ["softmax.ipynb"]
        root = get_json(f"http://127.0.0.1:{port}/api/contents/")
        released = {path.name for path in (REPO / "release").glob(f"*_{language}")}
        assert {item["name"] for item in root["content"]} == released, "the workspace holds this language only"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={TOKEN}", timeout=5) as page:
            assert page.status == 200 and b"JupyterLab" in page.read()
    finally:
        stop(server)


def stop(server: subprocess.Popen) -> None:
    """Stop the server and everything it started, on every exit path of the test."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_workspace_never_overwrites_a_students_work(tmp_path, capsys):
    workspace = tmp_path / "en"
    fill_workspace(workspace, REPO / "release", "en")
    notebook = workspace / "01_softmax_en" / "softmax.ipynb"
    assert notebook.read_bytes() == (REPO / "release" / "01_softmax_en" / "softmax.ipynb").read_bytes()
    notebook.write_text("my answers", encoding="utf-8")
    fill_workspace(workspace, REPO / "release", "en")
    assert notebook.read_text(encoding="utf-8") == "my answers"
    assert "kept your copy of 01_softmax_en/softmax.ipynb" in capsys.readouterr().out


def test_student_lab_starts_without_the_course_directory_error(tmp_path, mirror):
    """A student's Lab (workspace root) loads Validate and the Assignment List, not Formgrader,
    whose check logged "The course directory root is not a subdirectory of the notebook server root"."""
    port, log = free_port(), tmp_path / "lab.log"
    layouts = tmp_path / "layouts"
    command = [sys.executable, "-m", "course", "lab", "--headless", "--skip-prepare", "--port", str(port),
               "--workspace", str(tmp_path / "ws"), "--", f"--IdentityProvider.token={TOKEN}",
               f"--LabApp.workspaces_dir={layouts}"]
    with open(log, "w") as output:
        server = subprocess.Popen(command, cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            wait_for_listing(f"http://127.0.0.1:{port}/api/contents/01_softmax_en", server)
        finally:
            stop(server)
    text = log.read_text()
    assert "validate_assignment | extension was successfully loaded" in text, text[-2000:]
    assert "assignment_list | extension was successfully loaded" in text
    assert "not a subdirectory of the notebook server root" not in text
