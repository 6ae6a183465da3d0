"""JupyterHub's configuration for a class, computed from the hub's settings (``STATE/hub/settings.json``).

``jupyterhub_config.py`` beside this module is only ``apply(c, settings)``: the whole policy is
here, in one function, so that a test can read it without starting a hub.

* Authentication: PAM (the Unix passwords of the roster's accounts), only roster members allowed.
  For LTI or OAuth, replace ``authenticator_class`` (see README, "A class on one server").
* Spawner: LocalProcessSpawner; each user's JupyterLab runs as that user (``umask 007``: their
  new files are closed to other users), on 127.0.0.1, from this course's venv.
* Groups, as nbgrader's multi-course set-up names them: ``nbgrader-<course>`` (students; the
  Assignment List finds a student's courses from them) and ``formgrade-<course>`` (graders and
  the instructor). Students keep JupyterHub's default ``user`` role: their own server only.
* Formgrader runs in each grader's own Lab, served from the course directory (see
  :mod:`course.hub.courses`), not as a hub service; README says why.
"""

from __future__ import annotations

from pathlib import Path

from .exchange import grader_group, student_group

SERVICE = "course-hub"  # the hub's own API client: `course hub` and its tests manage users with it


def members(settings: dict):
    for course_id, course in settings["courses"].items():
        for member in course["members"]:
            yield course_id, member


def groups(settings: dict) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for course_id, course in settings["courses"].items():
        found[student_group(course_id)] = {"users": [m["student_id"] for m in course["members"] if m["role"] == "student"]}
        found[grader_group(course_id)] = {"users": [m["student_id"] for m in course["members"] if m["role"] != "student"]}
    return found


def roles(settings: dict) -> list[dict]:
    found = [
        # A user's server may post activity, serve its owner and read its owner's groups: nbgrader's
        # Assignment List asks the hub which nbgrader-<course> groups the student is in.
        {"name": "server", "scopes": ["users:activity!user", "access:servers!server", "read:users:name!user",
                                      "read:users:groups!user"]},
        {"name": SERVICE, "services": [SERVICE],
         "scopes": ["admin:users", "admin:servers", "admin:groups", "tokens", "read:hub", "access:servers"]},
    ]
    for course_id, course in settings["courses"].items():
        students = student_group(course_id)
        found.append({"name": grader_group(course_id), "groups": [grader_group(course_id)],
                      "scopes": [f"list:users!group={students}", f"read:users!group={students}",
                                 f"read:groups!group={students}"]})
        instructors = [m["student_id"] for m in course["members"] if m["role"] == "instructor"]
        found.append({"name": f"instructor-{course_id}", "users": instructors,
                      "scopes": [f"admin:servers!group={students}"]})
    return found


def grader_courses(settings: dict) -> dict[str, str]:
    """{grader or instructor: the course directory their Lab is served from}."""
    return {m["student_id"]: str(Path(settings["state"]) / "courses" / course_id)
            for course_id, m in members(settings) if m["role"] != "student"}


def apply(c, settings: dict) -> None:
    """Fill JupyterHub's config object ``c`` from ``settings``."""
    state, hub_dir = Path(settings["state"]), Path(settings["state"]) / "hub"
    bin_dir = Path(settings["python"]).parent

    c.JupyterHub.ip = settings["ip"]
    c.JupyterHub.port = settings["port"]
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings["hub_port"]
    c.JupyterHub.db_url = f"sqlite:///{hub_dir / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub_dir / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(hub_dir / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user's server
    c.JupyterHub.cleanup_proxy = True
    if settings.get("ssl_cert"):
        c.JupyterHub.ssl_cert, c.JupyterHub.ssl_key = settings["ssl_cert"], settings["ssl_key"]

    c.ConfigurableHTTPProxy.command = [settings["proxy"]]
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings['proxy_api_port']}"
    c.ConfigurableHTTPProxy.pid_file = str(hub_dir / "proxy.pid")

    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.open_sessions = False
    c.Authenticator.allowed_users = {m["student_id"] for _, m in members(settings)}

    c.JupyterHub.spawner_class = "localprocess"
    c.Spawner.cmd = ["/bin/sh", "-c", 'umask 007 && exec "$0" "$@"', str(bin_dir / "jupyterhub-singleuser")]
    c.Spawner.ip = "127.0.0.1"
    c.Spawner.default_url = "/lab"
    c.Spawner.start_timeout = 300  # a class logging in at once shares the CPUs: be patient, not wrong
    c.Spawner.http_timeout = 300
    c.Spawner.environment = {
        "PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",  # nbgrader runs alembic from PATH
        "JUPYTER_CONFIG_PATH": str(state / "etc" / "jupyter"),  # the hub's nbgrader and Lab settings
        "COURSE_DATA_ROOT": settings["data_root"],
    }
    lab_roots = grader_courses(settings)

    def serve_course_to_graders(spawner):
        spawner.notebook_dir = lab_roots.get(spawner.user.name, "~")

    c.Spawner.pre_spawn_hook = serve_course_to_graders

    c.JupyterHub.load_groups = groups(settings)
    c.JupyterHub.load_roles = roles(settings)
    c.JupyterHub.services = [{"name": SERVICE, "api_token": (hub_dir / "api_token").read_text().strip()}]
