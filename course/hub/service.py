"""Start JupyterHub in the background and stop it, with everything it started.

The hub runs detached (its own session), logging to ``STATE/hub/jupyterhub.log``; its pid is in
``STATE/hub/course-hub.pid``. It starts configurable-http-proxy and one JupyterLab per user who
logs in. Stopping sends it SIGTERM, after which JupyterHub itself stops every user's server and
the proxy (``cleanup_servers``, ``cleanup_proxy``); anything still alive after that (a hub that
was killed, a server that did not answer) is found from the proxy's pid file and the hub's own
database of servers and ended by its pid. Files are never removed.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

CONFIG_FILE = Path(__file__).with_name("jupyterhub_config.py")


class HubError(RuntimeError):
    """The hub did not start; the text says why and where its log is."""


def pid_file(state: Path) -> Path:
    return state / "hub" / "course-hub.pid"


def _alive(pid: int, marker: str) -> bool:
    """Whether ``pid`` runs and its command line contains ``marker`` (so a reused pid is never hit)."""
    try:
        return marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def running_pid(state: Path) -> int | None:
    try:
        pid = int(pid_file(state).read_text())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid, "jupyterhub") else None


def start(state: Path, settings: dict, timeout: float = 120) -> int:
    """Start the hub; return its pid once the proxy answers for it (or raise :class:`HubError`)."""
    hub_dir = state / "hub"
    settings_file = hub_dir / "settings.json"
    settings_file.write_text(json.dumps(settings, indent=1), encoding="utf-8")
    env = dict(os.environ, COURSE_HUB_SETTINGS=str(settings_file),
               PATH=os.pathsep.join([str(Path(settings["python"]).parent), os.environ.get("PATH", "")]))
    log_path = hub_dir / "jupyterhub.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen([settings["python"], "-m", "jupyterhub", "-f", str(CONFIG_FILE)], cwd=hub_dir,
                                   env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    pid_file(state).write_text(str(process.pid))
    host = "127.0.0.1" if settings["ip"] in ("", "0.0.0.0") else settings["ip"]
    url = f"{'https' if settings.get('ssl_cert') else 'http'}://{host}:{settings['port']}/hub/api/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise HubError(f"JupyterHub exited with code {process.returncode}; see {log_path}:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return process.pid
        except OSError:
            time.sleep(0.2)
    stop(state)
    raise HubError(f"JupyterHub did not answer at {url} within {timeout:.0f} s; see {log_path}:\n{_tail(log_path)}")


def stop(state: Path, timeout: float = 90) -> list[int]:
    """End the hub and every process it started; returns the pids that had to be ended here."""
    ended = []
    pid = running_pid(state)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)  # JupyterHub stops the users' servers and the proxy itself
        deadline = time.monotonic() + timeout
        while _alive(pid, "jupyterhub") and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid, "jupyterhub"):
            os.killpg(pid, signal.SIGKILL)
            ended.append(pid)
    for leftover, marker in [*((p, "jupyterhub-singleuser") for p in server_pids(state)),
                             *((p, "configurable-http-proxy") for p in proxy_pids(state))]:
        if _alive(leftover, marker):
            try:
                os.killpg(leftover, signal.SIGKILL)  # each server leads its own session: its kernels go too
            except ProcessLookupError:
                pass
            ended.append(leftover)
    return ended


def server_pids(state: Path) -> list[int]:
    """Pids of users' servers the hub's database still records."""
    return list(server_pids_by_user(state).values())


def server_pids_by_user(state: Path) -> dict[str, int]:
    """{user: pid of their server} from the hub's database (LocalProcessSpawner keeps the pid there)."""
    db = state / "hub" / "jupyterhub.sqlite"
    if not db.is_file():
        return {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT users.name, spawners.state FROM spawners JOIN users "
                                  "ON spawners.user_id = users.id WHERE spawners.state IS NOT NULL").fetchall()
    pids = {}
    for user, text in rows:
        try:
            pid = json.loads(text).get("pid")
        except (TypeError, ValueError, AttributeError):
            continue
        if pid:
            pids[user] = int(pid)
    return pids


def proxy_pids(state: Path) -> list[int]:
    try:
        return [int((state / "hub" / "proxy.pid").read_text().strip())]
    except (OSError, ValueError):
        return []


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
