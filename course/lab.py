"""``python -m course lab``: prepare everything, then start JupyterLab on the lessons of one language.

Steps: data sets (:mod:`course.data`), source and release notebooks (:mod:`course.build`), then a
student workspace: ``workspace/<lang>/<assignment>/`` receives a copy of each release notebook
that is not there yet. A copy the student has worked on is never overwritten, so updating the
course never costs anyone their answers; the committed ``release/`` stays clean.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from helper.data import configured_data_root
from helper.i18n import LANGUAGES

from . import build, data
from .hub import tools
from .lessons import all_lessons
from .paths import RELEASE, REPO, WORKSPACE

FORMGRADER = "nbgrader.server_extensions.formgrader"


def register(subparsers) -> None:
    parser = subparsers.add_parser("lab", help="prepare data and notebooks, then start JupyterLab",
                                   description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0], help="language of the lessons")
    parser.add_argument("--headless", action="store_true",
                        help="for servers: open no browser, print the URL to connect to")
    parser.add_argument("--port", type=int, default=8888, help="port to serve on (default 8888)")
    parser.add_argument("--ip", default="127.0.0.1",
                        help="address to listen on (default: this machine only; 0.0.0.0 for all)")
    parser.add_argument("--workspace", type=Path, default=WORKSPACE, help="where students' copies live")
    parser.add_argument("--instructor", action="store_true",
                        help="serve the whole course directory (source/, release/, formgrader) instead of a workspace")
    parser.add_argument("--course-dir", type=Path, default=REPO,
                        help="the nbgrader course directory whose config Lab uses, served with --instructor "
                             "(default: this repo)")
    parser.add_argument("--mirror", type=Path, default=None, help="offline data mirror (see `course data`)")
    parser.add_argument("--skip-prepare", action="store_true", help="skip data and build; just start Lab")
    parser.add_argument("jupyter_args", nargs=argparse.REMAINDER,
                        help="after --, extra options for `jupyter lab`")
    parser.set_defaults(run=main)


def main(args) -> int:
    if not args.skip_prepare:
        mirror = args.mirror or data.default_mirror()
        try:
            data.prepare(configured_data_root(), mirror)
        except data.DataError as error:
            print(f"error: {error}")
            return 1
        # The committed release/ matches source/ (the tests prove it): regenerate only what this
        # build changed or what is missing. File times are no guide: git does not keep them.
        for assignment, changed in build.write_sources(all_lessons(), REPO).items():
            if changed or build.release_is_missing(assignment, REPO):
                build.generate_assignment(assignment, REPO)
    if args.instructor:
        return start_lab(args.course_dir.resolve(), args)
    return start_lab(fill_workspace(args.workspace / args.lang, RELEASE, args.lang), args)


def fill_workspace(folder: Path, release: Path, language: str) -> Path:
    """Copy each release assignment of ``language`` into ``folder``, keeping files already there."""
    for assignment in sorted(release.glob(f"*_{language}")):
        for source in sorted(p for p in assignment.rglob("*") if p.is_file()):
            target = folder / assignment.name / source.relative_to(assignment)
            if target.exists():
                if target.read_bytes() != source.read_bytes():
                    print(f"kept your copy of {target.relative_to(folder)} (the new release is in {source})")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)  # a new copy, with a new time: Lab judges changes by it
    return folder


def start_lab(folder: Path, args) -> int:
    """Run ``jupyter lab`` on ``folder`` until it is stopped (Ctrl-C).

    The server starts in the course directory (``--course-dir``), so that nbgrader's Lab
    extensions (Validate, Assignment List, Formgrader) read its ``nbgrader_config.py``. A student's
    Lab shows a student's tools only (no Formgrader, Create Assignment or Course List) and no Lab
    shows JupyterLab's news prompt: :mod:`course.hub.tools` writes those settings, the same for
    ``make run`` as for the hub, into ``build/jupyter-config/<role>/``, which goes first on
    ``JUPYTER_CONFIG_PATH`` (the user's own ``~/.jupyter`` is never touched).
    """
    extra = [a for a in args.jupyter_args if a != "--"]
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}",
               f"--ServerApp.port={args.port}", f"--ServerApp.ip={args.ip}", *extra]
    if folder != args.course_dir.resolve():
        # A student's Lab serves the workspace, outside which the course directory lies: nbgrader's
        # Formgrader (an instructor tool) would log "The course directory root is not a
        # subdirectory of the notebook server root". Students need Validate and the Assignment
        # List only, so the Formgrader server extension stays off for them.
        command.append(f"--ServerApp.jpserver_extensions={FORMGRADER}=False")
    if args.headless:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers, Colab-like hosts and CI run as root
    env = build.nbgrader_environment()
    role_config = REPO / "build" / "jupyter-config" / ("instructor" if args.instructor else "student")
    tools.write_lab_config(role_config, teacher=args.instructor)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(role_config), env.get("JUPYTER_CONFIG_PATH")]))
    print(f"Starting JupyterLab on {folder} (stop it with Ctrl-C)")
    try:
        return subprocess.call(command, cwd=args.course_dir, env=env)
    except KeyboardInterrupt:
        return 0
