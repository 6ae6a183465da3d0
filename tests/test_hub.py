"""A class on one server: ``python -m course hub`` with real JupyterHub, PAM accounts and the nbgrader exchange.

The tests marked ``hub`` (``pytest -m hub``; they need root) build a class from rosters with
clearly prefixed throw-away accounts, start the real hub on a free loopback port, and drive the
whole loop through the hub's REST API and each user's own server: release in both languages,
fetch, validate, submit, isolation between students, collect, ``course grade``, feedback
released and fetched, the gradebook and ``grades.csv`` equal to an offline ``course grade`` of
the same notebooks; then once more through headless Chromium (screenshots in
``build/browser-artifacts/``). The fixture stops the hub and removes the accounts and groups on
every exit path. The other tests read the roster, the hub's policy and the Helm values offline.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from nbgrader.api import Gradebook
from traitlets.config import Config

from course.build import nbgrader_environment
from course.grade.gradebook import scores
from course.hub import accounts, config, service, tools
from course.hub.exchange import grader_group
from course.hub.roster import RosterError, read_roster
from course.paths import REPO

from conftest import submission
from test_lab import TOKEN, free_port, start_lab, stop, wait_for_listing

PREFIX = f"chub{secrets.token_hex(2)}"  # unique per run; every account, group and course of the test has it
COURSE, SECOND_COURSE = PREFIX, f"{PREFIX}-b"
INSTRUCTOR, GRADER2 = f"{PREFIX}-teach", f"{PREFIX}-teach2"
STUDENT_A, STUDENT_B, STUDENT_C = f"{PREFIX}-a", f"{PREFIX}-b", f"{PREFIX}-c"
CLASS = [INSTRUCTOR, STUDENT_A, STUDENT_B, STUDENT_C]
EVERYONE = CLASS + [GRADER2]
WORK = {STUDENT_A: ("01_softmax_en", submission("softmax", "correct_max_shift")),
        STUDENT_B: ("01_softmax_en", submission("softmax", "wrong_sum_dim0")),
        STUDENT_C: ("01_softmax_zh", "def softmax(x):\n    return x +* 2  # 写错了\n")}
SECONDS = 240  # bound on any single wait: a server start, a request, a grading run


# --- offline: the roster, the hub's policy, the Lab tools per role, the Helm values ----------------------

def write_roster(path: Path, rows: list[tuple[str, str, str]], header: str = "student_id,name,role") -> Path:
    path.write_text(header + "\n" + "".join(f"{i},{n},{r}\n" for i, n, r in rows), encoding="utf-8")
    return path


def test_roster_reads_members(tmp_path):
    roster = write_roster(tmp_path / "roster.csv", [("t-teach", "Ada Lovelace", "instructor"),
                                                     ("s-1", "李雷", "student"), ("g-1", "Grace Hopper", "grader")])
    members = read_roster(roster)
    assert [(m.student_id, m.role, m.grades) for m in members] == [
        ("t-teach", "instructor", True), ("s-1", "student", False), ("g-1", "grader", True)]
    assert members[0].name_parts() == ("Ada", "Lovelace") and members[1].name_parts() == ("李雷", "")


@pytest.mark.parametrize("rows, header, message", [
    ([("t", "T", "instructor")], "id,name,role", "line 1: the header must be exactly student_id,name,role"),
    ([("t", "T", "instructor"), ("Bad Id", "X", "student")], None, "line 3: student_id 'Bad Id' cannot be a login name"),
    ([("t", "T", "instructor"), ("s", "S", "teacher")], None, "line 3: role 'teacher' of s must be one of"),
    ([("t", "T", "instructor"), ("t", "T", "student")], None, "line 3: t is already on line 2"),
    ([("t", "", "instructor")], None, "line 2: the name of t is empty"),
    ([("s", "S", "student")], None, "no one has the role instructor"),
])
def test_a_malformed_roster_names_the_line_and_the_fix(tmp_path, rows, header, message):
    roster = write_roster(tmp_path / "roster.csv", rows, header or "student_id,name,role")
    with pytest.raises(RosterError, match=message.replace("(", r"\(")) as error:
        read_roster(roster)
    assert str(roster) in str(error.value)


def test_a_row_with_too_many_values_says_to_quote_the_name(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name,role\nt,Lovelace, Ada,instructor\n", encoding="utf-8")
    with pytest.raises(RosterError, match="line 2: expected 3 values .* quote a name that contains a comma"):
        read_roster(roster)


def settings_for(state: Path) -> dict:
    members = [{"student_id": "t", "name": "T", "role": "instructor"}, {"student_id": "g", "name": "G", "role": "grader"},
               {"student_id": "s", "name": "S", "role": "student"}]
    return {"state": str(state), "ip": "127.0.0.1", "port": 8000, "hub_port": 8081, "proxy_api_port": 8001,
            "python": sys.executable, "proxy": "/usr/bin/configurable-http-proxy", "data_root": "/data",
            "courses": {"dl": {"members": members}, "ml": {"members": [{"student_id": "t2", "name": "T", "role": "instructor"},
                                                                     {"student_id": "s", "name": "S", "role": "student"}]}}}


def test_hub_policy_local_users_own_processes_loopback_and_nbgrader_groups(tmp_path):
    (tmp_path / "hub").mkdir()
    (tmp_path / "hub" / "api_token").write_text("not-a-real-token")
    c = Config()
    config.apply(c, settings_for(tmp_path))
    assert (c.JupyterHub.authenticator_class, c.JupyterHub.spawner_class) == ("pam", "localprocess")
    assert c.JupyterHub.ip == c.JupyterHub.hub_ip == c.Spawner.ip == "127.0.0.1"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert c.Authenticator.allowed_users == {"t", "g", "s", "t2"}
    assert c.JupyterHub.load_groups == {"nbgrader-dl": {"users": ["s"]}, "formgrade-dl": {"users": ["t", "g"]},
                                        "nbgrader-ml": {"users": ["s"]}, "formgrade-ml": {"users": ["t2"]}}
    roles = {role["name"]: role for role in c.JupyterHub.load_roles}
    granted = {name for role in roles.values() for name in role.get("users", [])}
    assert "s" not in granted, "a student keeps JupyterHub's default role: their own server only"
    assert not any("access:servers" in scope for role in roles.values() if role.get("groups")
                   for scope in role["scopes"]), "no group of users may reach other users' servers"
    assert roles["formgrade-dl"]["groups"] == ["formgrade-dl"]
    assert c.JupyterHub.services == [{"name": config.SERVICE, "api_token": "not-a-real-token"}]


def test_a_teachers_local_config_is_read_after_the_course_policy(tmp_path, monkeypatch):
    (tmp_path / "hub").mkdir()
    (tmp_path / "hub" / "api_token").write_text("x")
    settings = tmp_path / "hub" / "settings.json"
    settings.write_text(json.dumps(settings_for(tmp_path)))
    monkeypatch.setenv("COURSE_HUB_SETTINGS", str(settings))
    loaded, namespace = [], {"c": Config()}
    namespace["load_subconfig"] = loaded.append
    code = compile(service.CONFIG_FILE.read_text(), str(service.CONFIG_FILE), "exec")
    exec(code, dict(namespace))
    assert loaded == [] and namespace["c"].JupyterHub.authenticator_class == "pam"
    (tmp_path / "hub" / "local_config.py").write_text("c.JupyterHub.authenticator_class = 'generic-oauth'\n")
    exec(code, dict(namespace))
    assert loaded == [str(tmp_path / "hub" / "local_config.py")]


def test_students_lab_has_student_tools_only_and_no_news_prompt(tmp_path):
    tools.write_lab_config(tmp_path / "student", teacher=False)
    tools.write_lab_config(tmp_path / "teacher", teacher=True)
    read = lambda role, name: json.loads((tmp_path / role / name).read_text())  # noqa: E731
    student = read("student", "labconfig/page_config.json")["disabledExtensions"]
    teacher = read("teacher", "labconfig/page_config.json")["disabledExtensions"]
    assert {"@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
            "@jupyterlab/apputils-extension:announcements"} == set(student)
    assert set(teacher) == {"@jupyterlab/apputils-extension:announcements"}
    assert read("student", "jupyter_server_config.json")["ServerApp"] == {"jpserver_extensions": {
        "nbgrader.server_extensions.formgrader": False, "nbgrader.server_extensions.course_list": False}}
    teacher_server = read("teacher", "jupyter_server_config.json")["ServerApp"]
    assert teacher_server["tornado_settings"]["headers"] == {"Content-Security-Policy": "frame-ancestors 'self'"}


@pytest.mark.slow
def test_make_run_gives_a_student_the_student_tools_and_no_news_prompt(tmp_path, data_root):
    port = free_port()
    server = start_lab(port, tmp_path, "--lang", "en", "--skip-prepare")
    try:
        wait_for_listing(f"http://127.0.0.1:{port}/api/contents/", server)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={TOKEN}", timeout=30) as response:
            disabled = page_config(response.read().decode())["disabledExtensions"]
        assert set(tools.disabled_lab_plugins(teacher=False)) <= set(disabled)
        request = urllib.request.Request(f"http://127.0.0.1:{port}/formgrader/api/assignments",
                                         headers={"Authorization": f"token {TOKEN}"})
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(request, timeout=30)
    finally:
        stop(server)


# The keys this course's values use, as the Zero to JupyterHub chart's values.schema.json names them
# (helm is not in this machine's registries, so the file is checked against the chart's structure).
Z2JH = {
    "": {"hub", "proxy", "singleuser", "scheduling", "cull", "ingress", "prePuller", "rbac", "debug", "global",
         "custom", "imagePullSecret", "imagePullSecrets", "fullnameOverride", "nameOverride", "enabled"},
    "hub": {"config", "db", "extraConfig", "loadRoles", "resources", "services", "image", "extraEnv", "extraFiles",
            "existingSecret", "networkPolicy", "cookieSecret", "baseUrl", "concurrentSpawnLimit", "activeServerLimit"},
    "hub.db": {"type", "url", "password", "upgrade", "pvc"},
    "proxy": {"service", "https", "chp", "traefik", "secretToken"},
    "proxy.https": {"enabled", "type", "hosts", "letsencrypt", "manual", "secret"},
    "singleuser": {"image", "defaultUrl", "cpu", "memory", "storage", "extraEnv", "extraFiles", "profileList",
                   "cmd", "networkPolicy", "startTimeout", "lifecycleHooks", "uid", "fsGid"},
    "singleuser.storage": {"type", "capacity", "extraVolumes", "extraVolumeMounts", "homeMountPath", "dynamic",
                           "static"},
    "cull": {"enabled", "timeout", "every", "users", "maxAge", "concurrency", "removeNamedServers", "adminUsers"},
    "scheduling": {"userScheduler", "podPriority", "userPlaceholder", "corePods", "userPods"},
}


def test_helm_values_for_a_public_deployment_follow_the_chart_and_the_hub(tmp_path):
    import yaml

    from course.hub import nbgrader_config

    values = yaml.safe_load((REPO / "deploy" / "zero-to-jupyterhub" / "values.yaml").read_text(encoding="utf-8"))
    for path, known in Z2JH.items():
        section = values
        for key in filter(None, path.split(".")):
            section = section[key]
        assert set(section) <= known, f"{path or 'top level'}: not keys of the chart: {set(section) - known}"
    for name, extra in values["singleuser"]["extraFiles"].items():
        assert extra["mountPath"].startswith("/") and len({"data", "stringData"} & set(extra)) == 1, name
    assert values["hub"]["db"]["type"] == "postgres" and values["proxy"]["https"]["enabled"] is True
    for name, code in values["hub"]["extraConfig"].items():
        compile(code, f"hub.extraConfig.{name}", "exec")
    # The same policy as the one-server hub: server scopes, nbgrader settings, students' tools.
    (tmp_path / "hub").mkdir()
    (tmp_path / "hub" / "api_token").write_text("x")
    c = Config()
    config.apply(c, settings_for(tmp_path))
    server = next(role for role in c.JupyterHub.load_roles if role["name"] == "server")
    assert values["hub"]["loadRoles"]["server"]["scopes"] == server["scopes"]
    nbgrader = values["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    compile(nbgrader, "nbgrader_config.py", "exec")
    expected = nbgrader_config(Path("/srv/nbgrader/exchange")).splitlines()
    assert [line for line in expected if not line.startswith("#")] == nbgrader.splitlines()[1:]
    page = values["singleuser"]["extraFiles"]["student-tools"]["data"]
    assert set(page["disabledExtensions"]) == set(tools.disabled_lab_plugins(teacher=False))
    mounts = {m["mountPath"] for m in values["singleuser"]["storage"]["extraVolumeMounts"]}
    assert "/srv/nbgrader/exchange" in mounts, "the exchange is a volume every user's pod mounts"


def test_jupyterhub_is_pinned_with_the_other_packages():
    pins = [line for line in (REPO / "requirements.txt").read_text().splitlines() if line.startswith("jupyterhub==")]
    assert len(pins) == 1 and f"- {pins[0]}" in (REPO / "environment.yml").read_text()


# --- the class, end to end, as root --------------------------------------------------------------------------

class Hub:
    """The running hub, seen from outside: its REST API and each user's own server, with tokens."""

    def __init__(self, state: Path, port: int):
        self.state, self.url = state, f"http://127.0.0.1:{port}"
        self.admin = (state / "hub" / "api_token").read_text().strip()
        self.tokens: dict[str, str] = {}

    def request(self, method: str, path: str, token: str, body=None, form=None):
        headers, data = {"Authorization": f"token {token}"}, None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        elif form is not None:
            data, headers["Content-Type"] = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
        elif method in ("POST", "PUT"):
            data = b""
        path = urllib.parse.quote(path, safe="/?&=")  # nbgrader's feedback folders have spaces in their names
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=SECONDS) as response:
                text = response.read().decode()
                return response.status, json.loads(text) if text[:1] in ("{", "[") else text
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def hub(self, method: str, path: str, body=None):
        return self.request(method, "/hub/api" + path, self.admin, body=body)

    def token(self, user: str) -> str:
        """A token of ``user`` with exactly the user's own permissions (JupyterHub's default for a token)."""
        if user not in self.tokens:
            status, reply = self.hub("POST", f"/users/{user}/tokens", {"note": "course hub test", "expires_in": 3600})
            assert status == 201, reply
            self.tokens[user] = reply["token"]
        return self.tokens[user]

    def as_user(self, user: str, method: str, path: str, owner: str | None = None, **kwargs):
        """A request with ``user``'s token to the server of ``owner`` (default: their own)."""
        return self.request(method, f"/user/{owner or user}{path}", self.token(user), **kwargs)

    def start_servers(self, users: list[str]) -> None:
        for user in users:
            status, reply = self.hub("POST", f"/users/{user}/server")
            assert status in (201, 202) or "is already running" in str(reply), reply
        deadline, waiting = time.monotonic() + SECONDS, set(users)
        while waiting and time.monotonic() < deadline:
            for user in sorted(waiting):
                server = self.hub("GET", f"/users/{user}")[1]["servers"].get("", {})
                if server.get("ready"):
                    waiting.discard(user)
                elif not server.get("pending"):
                    pytest.fail(f"{user}'s server stopped while starting: {server}; see {self.state}/hub/jupyterhub.log")
            time.sleep(0.3)
        assert not waiting, f"servers not ready within {SECONDS} s: {sorted(waiting)}"


def course_hub(*args: str, user: str | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """``python -m course hub ...`` (as root, or as ``user`` with runuser), as a teacher types it."""
    prefix = ["runuser", "-u", user, "--", "env", f"HOME={pwd.getpwnam(user).pw_dir}"] if user else []
    return subprocess.run([*prefix, sys.executable, "-m", "course", "hub", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=SECONDS)


def as_unix_user(user: str, code: str) -> str:
    """Run Python ``code`` as the Unix user ``user``; its printed output."""
    result = subprocess.run(["runuser", "-u", user, "--", sys.executable, "-c", code], capture_output=True,
                            text=True, timeout=60, cwd="/")
    assert result.returncode == 0, result.stderr
    return result.stdout


def processes_of(users: list[str]) -> list[str]:
    uids = {pwd.getpwnam(u).pw_uid for u in users if accounts.exists(u)}
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields["Uid"].split()[0]) in uids and not fields["State"].strip().startswith("Z"):
            found.append(f"{status.parent.name} {fields['Name'].strip()}")
    return found


@pytest.fixture(scope="module")
def hub(tmp_path_factory, data_root):
    """The class on a running hub: two courses, five throw-away accounts; all of it removed afterwards."""
    if os.geteuid() != 0:
        pytest.fail("the hub tests make Unix accounts and run each user's Lab as that user: run them as root "
                    "(CI does; `make test` as root), or deselect them with -m 'not hub'")
    if shutil.which("configurable-http-proxy") is None:
        pytest.fail("configurable-http-proxy is missing: `make test` installs it (npm), or `make hub-setup`")
    rosters = tmp_path_factory.mktemp("rosters")
    first = write_roster(rosters / "roster.csv", [(INSTRUCTOR, "Ada Teacher", "instructor"), (STUDENT_A, "Alice Able", "student"),
                                                   (STUDENT_B, "Bob Baker", "student"), (STUDENT_C, "陈晨", "student")])
    second = write_roster(rosters / "second.csv", [(GRADER2, "Grace Teacher", "instructor"), (STUDENT_C, "陈晨", "student")])
    state = Path(tempfile.mkdtemp(prefix=f"course-hub-{PREFIX}-", dir="/tmp"))
    os.chmod(state, 0o755)  # users' servers pass through it to the exchange
    port = free_port()
    started = None
    try:
        setup = course_hub("--roster", str(second), "--course", SECOND_COURSE, "--state", str(state), "--no-start")
        assert setup.returncode == 0, setup.stdout + setup.stderr
        began = time.monotonic()
        started = course_hub("--roster", str(first), "--course", COURSE, "--state", str(state), "--port", str(port))
        assert started.returncode == 0, started.stdout + started.stderr
        running = Hub(state, port)
        running.start_seconds = time.monotonic() - began
        running.output = setup.stdout + started.stdout
        yield running
    finally:
        stopped = course_hub("--stop", "--state", str(state))
        try:
            accounts.remove_users(EVERYONE, [grader_group(COURSE), grader_group(SECOND_COURSE)])
        finally:
            shutil.rmtree(state, ignore_errors=True)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr


@pytest.mark.hub
def test_a_malformed_roster_stops_course_hub_before_any_account_is_made(tmp_path):
    if os.geteuid() != 0:
        pytest.fail("run the hub tests as root")
    roster = write_roster(tmp_path / "roster.csv", [(f"{PREFIX}-x", "X", "instructor"), (f"{PREFIX}-y", "Y", "pupil")])
    result = course_hub("--roster", str(roster), "--course", PREFIX, "--state", str(tmp_path / "state"))
    assert result.returncode == 1
    assert f"{roster}, line 3: role 'pupil' of {PREFIX}-y must be one of student, grader, instructor" in result.stderr
    assert not accounts.exists(f"{PREFIX}-x") and not (tmp_path / "state").exists()


@pytest.mark.hub
def test_the_hub_runs_real_services_on_loopback_only(hub):
    assert hub.hub("GET", "/")[0] == 200
    log = (hub.state / "hub" / "jupyterhub.log").read_text()
    assert "ConfigProxy" in log, "the hub started the real configurable-http-proxy"
    pids = [hub_pid(hub), *service.proxy_pids(hub.state), *service.server_pids(hub.state)]
    listening = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, timeout=30).stdout.splitlines()
    ours = [line.split()[3] for line in listening if any(f"pid={pid}," in line for pid in pids)]
    assert f"127.0.0.1:{hub.url.rsplit(':', 1)[1]}" in ours, ours
    assert len(ours) >= 3 and all(address.startswith("127.0.0.1:") for address in ours), ours
    passwords = accounts.read_passwords(hub.state / "hub" / "passwords.csv")
    assert set(passwords) == set(EVERYONE)
    assert oct((hub.state / "hub" / "passwords.csv").stat().st_mode & 0o777) == "0o600"
    assert not any(password in log or password in hub.output for password in passwords.values())


def running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for a container's init to reap it is not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def hub_pid(hub) -> int:
    return int((hub.state / "hub" / "course-hub.pid").read_text())


def page_config(html: str) -> dict:
    """The page config JupyterLab's HTML carries (what the front end will load and what it skips)."""
    start = html.index('id="jupyter-config-data"')
    start = html.index(">", start) + 1
    return json.loads(html[start:html.index("</script>", start)])


def answered(notebook: dict, source: str) -> dict:
    [cell] = [c for c in notebook["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "softmax"]
    cell["source"] = source
    return notebook


@pytest.mark.hub
def test_a_class_from_roster_to_returned_feedback(hub, tmp_path):
    course_dir = hub.state / "courses" / COURSE
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", course_id=COURSE) as gradebook:
        assert {(s.id, s.first_name, s.last_name) for s in gradebook.students} == {
            (STUDENT_A, "Alice", "Able"), (STUDENT_B, "Bob", "Baker"), (STUDENT_C, "陈晨", "")}
    hub.start_servers(CLASS)

    # 1. The instructor generates and releases lesson 1 in both languages, from Formgrader in their own Lab.
    for assignment in ("01_softmax_en", "01_softmax_zh"):
        for action in ("assign", "release"):
            status, reply = hub.as_user(INSTRUCTOR, "POST", f"/formgrader/api/assignment/{assignment}/{action}")
            assert status == 200 and reply["success"], reply

    # 2. Each student sees both releases, fetches one, answers, (A validates), submits.
    for student, (assignment, answer) in WORK.items():
        status, listing = hub.as_user(student, "GET", f"/assignments?course_id={COURSE}")
        assert {a["assignment_id"] for a in listing["value"]} == {"01_softmax_en", "01_softmax_zh"}
        form = {"course_id": COURSE, "assignment_id": assignment}
        status, reply = hub.as_user(student, "POST", "/assignments/fetch", form=form)
        assert status == 200 and reply["success"], reply
        path = f"{COURSE}/{assignment}/softmax.ipynb"
        notebook = hub.as_user(student, "GET", f"/api/contents/{path}")[1]["content"]
        status, _ = hub.as_user(student, "PUT", f"/api/contents/{path}",
                                body={"type": "notebook", "content": answered(notebook, answer)})
        assert status == 200
        if student == STUDENT_A:
            status, reply = hub.as_user(student, "POST", "/assignments/validate", form={"path": path})
            assert status == 200 and reply == {"success": True, "value": {}}, reply  # nothing failed
        status, reply = hub.as_user(student, "POST", "/assignments/submit", form=form)
        assert status == 200 and reply["success"], reply

    # 3. A cannot read B's submission, the course's gradebook, B's server or Formgrader.
    inbound = hub.state / "exchange" / COURSE / "inbound"
    [b_submission] = [p for p in inbound.iterdir() if p.name.startswith(f"{STUDENT_B}+")]
    denied = as_unix_user(STUDENT_A, f"""
import os
for action, target in [("list", {str(inbound)!r}), ("open", {str(b_submission / 'softmax.ipynb')!r}),
                       ("open", {str(course_dir / 'gradebook.db')!r}), ("list", {str(course_dir)!r}),
                       ("list", {str(Path('/home') / STUDENT_B)!r})]:
    try:
        os.listdir(target) if action == "list" else open(target, "rb").close()
        print("ALLOWED", target)
    except PermissionError:
        print("denied", target)
""")
    assert "ALLOWED" not in denied and denied.count("denied") == 5, denied
    assert hub.as_user(STUDENT_A, "GET", "/api/status", owner=STUDENT_B)[0] == 403
    assert hub.as_user(STUDENT_A, "GET", "/formgrader/api/assignments", owner=INSTRUCTOR)[0] == 403
    assert hub.as_user(STUDENT_A, "GET", "/formgrader/api/assignments")[0] == 404, "no Formgrader in a student's Lab"
    disabled = page_config(hub.as_user(STUDENT_A, "GET", "/lab")[1])["disabledExtensions"]
    assert {"@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
            "@jupyterlab/apputils-extension:announcements"} <= set(disabled)
    assert "@jupyter/nbgrader:create-assignment" not in page_config(hub.as_user(INSTRUCTOR, "GET", "/lab")[1])[
        "disabledExtensions"]
    assert hub.hub("GET", f"/users/{STUDENT_A}")[1]["roles"] == ["user"]

    # 4. The grader collects, grades with course grade, and releases its feedback.
    for assignment in ("01_softmax_en", "01_softmax_zh"):
        status, reply = hub.as_user(INSTRUCTOR, "POST", f"/formgrader/api/assignment/{assignment}/collect")
        assert status == 200 and reply["success"], reply
    graded = subprocess.run(
        ["runuser", "-u", INSTRUCTOR, "--", "env", f"HOME=/home/{INSTRUCTOR}", f"PATH={nbgrader_environment()['PATH']}",
         sys.executable, "-m", "course",
         "grade", "submitted", "--out", "graded", "--gradebook", "gradebook.db", "--feedback", "feedback",
         "--jobs", "2", "--timeout", "120"],
        cwd=course_dir, capture_output=True, text=True, timeout=SECONDS)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    for assignment in ("01_softmax_en", "01_softmax_zh"):
        status, reply = hub.as_user(INSTRUCTOR, "POST", f"/formgrader/api/assignment/{assignment}/release_feedback")
        assert status == 200 and reply["success"], reply

    # 5. Each student fetches feedback in the language they worked in.
    expected = {STUDENT_A: ("Feedback", "3 / 3", "passed"), STUDENT_B: ("Feedback", "0 / 3", "failed"),
                STUDENT_C: ("评分反馈", "0 / 3", "出错")}
    for student, (assignment, _) in WORK.items():
        form = {"course_id": COURSE, "assignment_id": assignment}
        status, reply = hub.as_user(student, "POST", "/assignments/fetch_feedback", form=form)
        assert status == 200 and reply["success"], reply
        [submitted] = [a for a in reply["value"] if a["status"] == "submitted"]
        [latest] = submitted["submissions"]
        assert latest["has_local_feedback"], latest
        folder = latest["local_feedback_path"]
        page = hub.as_user(student, "GET", f"/api/contents/{folder}/softmax.html?type=file&format=text")[1]["content"]
        title, total, status_word = expected[student]
        assert f"{title}: {assignment} / softmax" in page and f"<b>{total}</b>" in page and status_word in page, page

    # Grades on the hub are exactly what course grade gives offline for the same notebooks.
    offline = tmp_path / "offline"
    shutil.copytree(course_dir / "submitted", offline / "submitted")
    result = subprocess.run([sys.executable, "-m", "course", "grade", str(offline / "submitted"), "--out",
                             str(offline / "graded"), "--gradebook", str(offline / "gradebook.db"), "--jobs", "2",
                             "--timeout", "120"], cwd=REPO, env=nbgrader_environment(), capture_output=True,
                            text=True, timeout=SECONDS)
    assert result.returncode == 0, result.stdout + result.stderr
    hub_rows = list(csv.DictReader((course_dir / "graded" / "grades.csv").open(encoding="utf-8")))
    assert hub_rows == list(csv.DictReader((offline / "graded" / "grades.csv").open(encoding="utf-8")))
    assert {row["student_id"]: row["status"] for row in hub_rows} == {STUDENT_A: "ok", STUDENT_B: "failed",
                                                                      STUDENT_C: "error"}
    assert scores(course_dir / "gradebook.db") == scores(offline / "gradebook.db") == {
        (STUDENT_A, "01_softmax_en", "softmax", "test_softmax"): 3.0,
        (STUDENT_B, "01_softmax_en", "softmax", "test_softmax"): 0.0,
        (STUDENT_C, "01_softmax_zh", "softmax", "test_softmax"): 0.0}


@pytest.mark.hub
def test_a_second_course_on_the_same_hub(hub):
    hub.start_servers([GRADER2])
    status, reply = hub.as_user(GRADER2, "POST", "/formgrader/api/assignment/01_softmax_zh/assign")
    assert status == 200 and reply["success"], reply
    status, reply = hub.as_user(GRADER2, "POST", "/formgrader/api/assignment/01_softmax_zh/release")
    assert status == 200 and reply["success"], reply
    assert (hub.state / "exchange" / SECOND_COURSE / "outbound" / "01_softmax_zh").is_dir()
    # C is in both courses and sees both; A is only in the first and cannot fetch from the second.
    hub.start_servers([STUDENT_C, STUDENT_A])
    listing = hub.as_user(STUDENT_C, "GET", "/assignments?course_id=")[1]["value"]
    assert {a["course_id"] for a in listing} == {COURSE, SECOND_COURSE}
    assert (SECOND_COURSE, "01_softmax_zh", "released") in {(a["course_id"], a["assignment_id"], a["status"])
                                                           for a in listing}
    listing = hub.as_user(STUDENT_A, "GET", "/assignments?course_id=")[1]["value"]
    assert SECOND_COURSE not in {a["course_id"] for a in listing}
    status, reply = hub.as_user(STUDENT_A, "POST", "/assignments/fetch",
                                form={"course_id": SECOND_COURSE, "assignment_id": "01_softmax_zh"})
    assert status == 200 and SECOND_COURSE not in {a["course_id"] for a in reply["value"]}, reply
    assert not Path(f"/home/{STUDENT_A}/{SECOND_COURSE}").exists(), "nbgrader: 'You do not have access to this course.'"
    # Each course's graders reach only their own course directory.
    assert "denied" in as_unix_user(GRADER2, f"""
try:
    open({str(hub.state / 'courses' / COURSE / 'gradebook.db')!r}, 'rb'); print('ALLOWED')
except PermissionError:
    print('denied')
""")


@pytest.mark.hub
@pytest.mark.browser
def test_in_the_browser_a_student_logs_in_and_the_instructor_opens_formgrader(hub):
    from test_browser import ARTIFACTS, CHROMIUM_FLAGS, chromium, menu, playwright_api

    passwords = accounts.read_passwords(hub.state / "hub" / "passwords.csv")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_FLAGS)
        try:
            for user in (STUDENT_A, INSTRUCTOR):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.goto(f"{hub.url}/hub/login")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", passwords[user])
                page.click("input[type=submit], button[type=submit]")
                page.wait_for_url(f"**/user/{user}/lab**")
                page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").wait_for()
                if user == STUDENT_A:
                    menu(page, "Nbgrader", "Assignment List")
                    page.locator("#fetched_assignments_list .list_item", has_text="01_softmax_en").wait_for()
                    page.locator("#submitted_assignments_list .list_item", has_text="01_softmax_en").wait_for()
                    page.screenshot(path=ARTIFACTS / "hub-1-student-assignment-list.png")
                    page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
                    items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
                    assert "Formgrader" not in items and "Course List" not in items, items
                    page.keyboard.press("Escape")
                else:
                    menu(page, "Nbgrader", "Formgrader")
                    formgrader = page.frame_locator("iframe").first
                    formgrader.get_by_text("Manage Assignments").first.wait_for()
                    formgrader.get_by_role("link", name="01_softmax_zh", exact=True).wait_for()
                    page.screenshot(path=ARTIFACTS / "hub-2-instructor-formgrader.png")
                assert page.get_by_text("get notified about official Jupyter news").count() == 0
                context.close()
        finally:
            browser.close()


@pytest.mark.hub
def test_stop_ends_every_process_and_keeps_every_file(hub):
    notebook = Path(f"/home/{STUDENT_A}/{COURSE}/01_softmax_en/softmax.ipynb")
    assert processes_of(CLASS), "the class's servers run before --stop"
    proxy = int((hub.state / "hub" / "proxy.pid").read_text())
    stopped = course_hub("--stop", "--state", str(hub.state))
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert processes_of(EVERYONE) == []
    assert not running(hub_pid(hub)) and not running(proxy)
    assert notebook.is_file() and (hub.state / "courses" / COURSE / "gradebook.db").is_file()
