"""``python -m course hub``: the course for a class on one Linux server, with JupyterHub and nbgrader.

Run as root. From a roster (``student_id,name,role``) it makes the Unix accounts, the course
directory with the gradebook's students, the shared nbgrader exchange and each user's Lab
settings, then starts JupyterHub (PAM log-in, each user's JupyterLab as their own process,
configurable-http-proxy in front) on 127.0.0.1. ``--stop`` ends it and everything it started.
See README, "A class on one server". Modules: ``roster``, ``accounts``, ``courses``,
``exchange``, ``tools`` (who sees which Lab tools), ``config`` (JupyterHub's), ``service``
(start, stop).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

DEFAULT_COURSE = "pytorch-from-zero"
STATE_VARIABLE = "COURSE_HUB_STATE"
DEFAULT_STATE = Path("/srv/course-hub")


def register(subparsers) -> None:
    parser = subparsers.add_parser("hub", help="JupyterHub for a class on this server: accounts from a roster, "
                                   "nbgrader exchange, Formgrader for graders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--roster", type=Path, help="roster.csv with columns student_id,name,role "
                        "(role: student, grader or instructor); adds or updates that course")
    parser.add_argument("--course", default=DEFAULT_COURSE, help=f"the course id of --roster "
                        f"(default {DEFAULT_COURSE}); give each course on one hub its own")
    parser.add_argument("--state", type=Path, default=Path(os.environ.get(STATE_VARIABLE) or DEFAULT_STATE),
                        help=f"where the hub keeps its database, exchange and course directories "
                             f"(default ${STATE_VARIABLE} or {DEFAULT_STATE})")
    parser.add_argument("--ip", help="address to listen on (default: as last time, else 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, help="port to serve on (default: as last time, else 8000)")
    parser.add_argument("--ssl-cert", type=Path, help="TLS certificate (with --ssl-key) for a public address")
    parser.add_argument("--ssl-key", type=Path, help="TLS private key")
    parser.add_argument("--no-start", action="store_true", help="set up accounts and courses, start nothing")
    parser.add_argument("--stop", action="store_true", help="stop the hub and every process it started")
    parser.set_defaults(run=main)


def main(args) -> int:
    from . import service

    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    state = args.state.resolve()
    if args.stop:
        if service.running_pid(state) is None and not service.server_pids(state) and not service.proxy_pids(state):
            print(f"no hub is running from {state}")
            return 0
        ended = service.stop(state)
        print(f"hub stopped ({state})" + (f"; ended leftover processes {ended}" if ended else ""))
        return 0
    try:
        settings = set_up(args, state)
    except SetupError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if args.no_start:
        print(f"set up in {state}; start the hub with `python -m course hub --state {state}`")
        return 0
    if service.running_pid(state) is not None:
        print("restarting the hub to load the new settings (users' servers restart on their next visit)")
        service.stop(state)
    try:
        service.start(state, settings)
    except service.HubError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    scheme = "https" if settings.get("ssl_cert") else "http"
    print(f"JupyterHub is running at {scheme}://{settings['ip']}:{settings['port']}/ "
          f"(log: {state / 'hub' / 'jupyterhub.log'}); stop it with `python -m course hub --stop --state {state}`")
    return 0


class SetupError(RuntimeError):
    """Something to fix before the hub can start."""


def set_up(args, state: Path) -> dict:
    """Accounts, course, exchange and settings for ``args``; returns the hub's settings."""
    from ..paths import REPO
    from . import accounts, courses, exchange
    from .roster import RosterError, read_roster

    if os.geteuid() != 0:
        raise SetupError("run as root (sudo): the hub creates Unix accounts and runs each user's Lab as that user")
    proxy = shutil.which("configurable-http-proxy")
    if proxy is None:
        raise SetupError("configurable-http-proxy is not installed: `make hub` installs it, or "
                         "`npm install -g configurable-http-proxy`")
    if bool(args.ssl_cert) != bool(args.ssl_key):
        raise SetupError("give both --ssl-cert and --ssl-key, or neither")
    if not exchange_safe_id(args.course):
        raise SetupError(f"course id {args.course!r}: use lower-case letters, digits and '-', at most 20 characters")
    try:
        members = read_roster(args.roster) if args.roster else []
    except RosterError as problem:
        raise SetupError(str(problem)) from None  # before anything is made
    hub_dir, config_dir, root = state / "hub", state / "etc" / "jupyter", state / "exchange"
    for folder, mode in ((state, 0o755), (hub_dir, 0o700), (config_dir, 0o755), (state / "courses", 0o755)):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, mode)
    exchange.prepare_root(root)
    token = hub_dir / "api_token"
    if not token.exists():
        token.touch(mode=0o600)
        token.write_text(secrets.token_hex(32))
    settings_file = hub_dir / "settings.json"
    settings = json.loads(settings_file.read_text()) if settings_file.is_file() else {"courses": {}}
    settings.update({name: value for name, value in (("ip", args.ip), ("port", args.port)) if value is not None})
    settings.setdefault("ip", "127.0.0.1")
    settings.setdefault("port", 8000)
    settings.update(state=str(state), python=sys.executable, proxy=proxy,
                    data_root=str(_data_root()),
                    ssl_cert=str(args.ssl_cert.resolve()) if args.ssl_cert else None,
                    ssl_key=str(args.ssl_key.resolve()) if args.ssl_key else None)
    settings.setdefault("hub_port", free_port())
    settings.setdefault("proxy_api_port", free_port())

    if members:
        others = {m["student_id"]: course for course, entry in settings["courses"].items() if course != args.course
                  for m in entry["members"] if m["role"] != "student"}
        for member in members:
            if member.grades and member.student_id in others:
                raise SetupError(f"{member.student_id} already grades course {others[member.student_id]}: a grader's "
                                 "Lab serves one course directory, so give them another account for this course")
        try:
            created = accounts.ensure_users(members, hub_dir / "passwords.csv")
            graders_gid = accounts.ensure_group(exchange.grader_group(args.course))
            accounts.ensure_group(accounts.HUB_GROUP)
            for member in members:
                accounts.add_to_group(member.student_id, accounts.HUB_GROUP)
                if member.grades:
                    accounts.add_to_group(member.student_id, exchange.grader_group(args.course))
            opened = accounts.grant_passage([Path(sys.executable), Path(sys.prefix), REPO, _data_root()])
            if opened:
                print(f"group {accounts.HUB_GROUP} may now pass through {', '.join(map(str, opened))} "
                      "(search only, an ACL) to run this course's Python")
            accounts.check_can_run(members[0].student_id, sys.executable, "jupyterhub, course")
        except accounts.AccountError as problem:
            raise SetupError(str(problem)) from None
        instructor = next(m for m in members if m.role == "instructor")
        owner = (accounts.ids(instructor.student_id)[0], graders_gid)
        exchange.prepare_course(root, args.course, *owner)
        course_folder = courses.prepare(state, args.course, root, members, owner)
        for member in members:
            write_user_settings(member, course_folder)
        settings["courses"][args.course] = {"members": [vars(m) for m in members]}
        if created:
            print(f"{len(created)} new account(s); their passwords are in {hub_dir / 'passwords.csv'} (root only)")
    if not settings["courses"]:
        raise SetupError("no course yet: give a roster, `python -m course hub --roster roster.csv`")
    (config_dir / "nbgrader_config.py").write_text(nbgrader_config(root), encoding="utf-8")
    settings_file.write_text(json.dumps(settings, indent=1), encoding="utf-8")
    return settings


def write_user_settings(member, course_folder: Path) -> None:
    """The member's Lab tools (:mod:`.tools`) and, for graders, which course directory nbgrader uses."""
    from . import accounts, tools

    uid, gid = accounts.ids(member.student_id)
    jupyter = accounts.home(member.student_id) / ".jupyter"
    written = tools.write_lab_config(jupyter, teacher=member.grades)
    if member.grades:
        config = jupyter / "nbgrader_config.py"
        config.write_text(f"c.CourseDirectory.root = {str(course_folder)!r}\n", encoding="utf-8")
        written.append(config)
    for path in {jupyter, jupyter / "labconfig", *written}:
        os.chown(path, uid, gid)


def nbgrader_config(root: Path) -> str:
    """What every user's nbgrader reads on the hub (``JUPYTER_CONFIG_PATH``): nbgrader's multi-course set-up."""
    return ("# Written by `python -m course hub`: nbgrader on this hub, for every user.\n"
            f"c.Exchange.root = {str(root)!r}\n"
            "c.Exchange.path_includes_course = True\n"
            "c.Authenticator.plugin_class = 'nbgrader.auth.JupyterHubAuthPlugin'\n"
            "c.ExchangeFactory.submit = 'course.hub.exchange.PrivateSubmit'\n")


def exchange_safe_id(course_id: str) -> bool:
    import re

    return re.fullmatch(r"[a-z][a-z0-9-]{0,19}", course_id) is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _data_root() -> Path:
    from helper.data import configured_data_root

    return configured_data_root()
