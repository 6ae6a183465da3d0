"""Unix accounts and groups for the people on a roster.

JupyterHub's LocalProcessSpawner runs each user's JupyterLab as that user's own Unix process, and
its PAM authenticator checks the Unix password, so the roster must become real accounts. New
accounts get a random password, set with ``chpasswd`` on its standard input (never on a command
line, never in a log) and written only to a root-only file the teacher hands out from. Accounts
that already exist keep their password and their files.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import stat
import subprocess
from pathlib import Path

from .roster import Member


HUB_GROUP = "course-hub"  # every account on the hub: the group that may pass through to the course's Python


class AccountError(RuntimeError):
    """A system command for accounts failed; the text says which and why."""


def _run(*command: str, stdin: str | None = None) -> None:
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AccountError(f"`{' '.join(command)}` failed: {result.stderr.strip() or result.stdout.strip()}")


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def ensure_group(name: str) -> int:
    """The gid of Unix group ``name``, created when missing."""
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        _run("groupadd", name)
        return grp.getgrnam(name).gr_gid


def ensure_users(members: list[Member], passwords_file: Path) -> list[str]:
    """Create the accounts that are missing (home 0700); returns the ids created.

    Their passwords are appended to ``passwords_file`` (mode 0600, root only) as ``student_id,password``.
    """
    created = []
    for member in members:
        if exists(member.student_id):
            continue
        _run("useradd", "--create-home", "--shell", "/bin/bash", "--comment", member.name.replace(":", " "),
             member.student_id)
        password = secrets.token_urlsafe(12)
        _run("chpasswd", stdin=f"{member.student_id}:{password}\n")
        passwords_file.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(passwords_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as out:
            out.write(f"{member.student_id},{password}\n")
        created.append(member.student_id)
    for member in members:
        os.chmod(home(member.student_id), 0o700)  # classmates cannot read each other's work
    return created


def add_to_group(user: str, group: str) -> None:
    if user not in grp.getgrnam(group).gr_mem:
        _run("gpasswd", "--add", user, group)


def home(user: str) -> Path:
    return Path(pwd.getpwnam(user).pw_dir)


def ids(user: str) -> tuple[int, int]:
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def read_passwords(passwords_file: Path) -> dict[str, str]:
    """{student_id: password} from the root-only file written by :func:`ensure_users`."""
    if not passwords_file.is_file():
        return {}
    lines = passwords_file.read_text(encoding="utf-8").splitlines()
    return dict(line.split(",", 1) for line in lines if "," in line)


def remove_users(names: list[str], groups: list[str] = ()) -> None:
    """Delete accounts with their homes and mail, and the groups: for tests and for ending a term.

    Every name is tried even when one fails; the first failure is raised at the end.
    """
    failures = []
    for name in names:
        if exists(name):
            subprocess.run(["pkill", "--signal", "KILL", "--uid", name], capture_output=True, timeout=30)
            result = subprocess.run(["userdel", "--remove", name], capture_output=True, text=True, timeout=60)
            if result.returncode not in (0, 12):  # 12: the home could not be removed completely
                failures.append(f"userdel {name}: {result.stderr.strip()}")
    for group in groups:
        try:
            grp.getgrnam(group)
        except KeyError:
            continue
        result = subprocess.run(["groupdel", group], capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            failures.append(f"groupdel {group}: {result.stderr.strip()}")
    if failures:
        raise AccountError("; ".join(failures))


def grant_passage(paths: list[Path], group: str = HUB_GROUP) -> list[Path]:
    """Let ``group`` pass through (search, ``x``, no listing) every folder above ``paths`` closed to others.

    Each user's Lab runs this course's Python as that user. When the interpreter lives in a folder
    other users cannot enter (pyenv under ``/root``, mode 0700, as on this project's CI), the hub's
    accounts get exactly the right to pass through it with a POSIX ACL; nothing becomes readable.
    Returns the folders changed.
    """
    closed = sorted({folder for path in paths for folder in Path(path).resolve().parents
                     if not folder.stat().st_mode & stat.S_IXOTH})
    if closed and shutil.which("setfacl") is None:
        raise AccountError(f"{', '.join(map(str, closed))} cannot be entered by other users, so they cannot run "
                           "this course's Python: install `acl` (apt install acl) to let the hub grant passage, "
                           "or build the venv from a Python in a public folder (make setup PYTHON=/usr/bin/python3)")
    for folder in closed:
        _run("setfacl", "--modify", f"g:{group}:x", str(folder))
    return closed


def check_can_run(user: str, python: str, modules: str) -> None:
    """Import ``modules`` with ``python`` as ``user``: proof that their Lab will start."""
    result = subprocess.run(["runuser", "-u", user, "--", python, "-c", f"import {modules}"],
                            capture_output=True, text=True, timeout=120, cwd="/")
    if result.returncode != 0:
        raise AccountError(f"{user} cannot run {python} with {modules}: {result.stderr.strip()[-500:]}")
