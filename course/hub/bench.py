"""How the hub copes with a class logging in at once, on loopback: ``python -m course.hub.bench`` (as root).

It makes an instructor and N throw-away students (``chbench-*``), starts the hub with ``course
hub``, releases lesson 1, then lets all students at once do what a student's browser does: log in
on the hub's form (PAM), follow the redirects while the hub starts their Lab, and fetch the
assignment through their own server. It reports the hub's start time, the wall time until the
last student has fetched, and the memory of each idle user server (its whole process tree, RSS
and PSS). The hub, the servers and the accounts are removed on every exit path. ``--write``
puts the results in BENCHMARKS.md's section "Hub on one server" (the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from ..benchmarks import write_section
from ..paths import REPO
from . import accounts, exchange, service

SECTION = "## Hub on one server"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course.hub.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=600, help="seconds the whole log-in may take")
    parser.add_argument("--write", action="store_true", help="write the section into BENCHMARKS.md")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("error: run as root (it makes throw-away accounts)", file=sys.stderr)
        return 1
    prefix = f"chbench{secrets.token_hex(2)}"
    students = [f"{prefix}-{i:02d}" for i in range(args.students)]
    teacher = f"{prefix}-teach"
    state = Path(tempfile.mkdtemp(prefix="course-hub-bench-", dir="/tmp"))
    os.chmod(state, 0o755)
    roster = state / "roster.csv"
    roster.write_text("student_id,name,role\n" + f"{teacher},Teacher,instructor\n"
                      + "".join(f"{s},Student {s[-2:]},student\n" for s in students), encoding="utf-8")
    port = _free_port()
    try:
        run = subprocess.run([sys.executable, "-m", "course", "hub", "--roster", str(roster), "--course", prefix,
                              "--state", str(state), "--port", str(port), "--no-start"],
                             cwd=REPO, capture_output=True, text=True, timeout=900)
        if run.returncode != 0:
            print(run.stdout + run.stderr, file=sys.stderr)
            return 1
        settings = json.loads((state / "hub" / "settings.json").read_text())
        began = time.monotonic()
        service.start(state, settings)
        hub_start = time.monotonic() - began
        url = f"http://127.0.0.1:{port}"
        admin = (state / "hub" / "api_token").read_text().strip()
        _release(url, admin, teacher)
        passwords = accounts.read_passwords(state / "hub" / "passwords.csv")
        results: dict[str, float | str] = {}
        began = time.monotonic()
        threads = [threading.Thread(target=_student, args=(url, s, passwords[s], prefix, began + args.timeout, results))
                   for s in students]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        class_wall = time.monotonic() - began
        failed = {s: r for s, r in results.items() if isinstance(r, str)}
        seconds = sorted(r for r in results.values() if not isinstance(r, str))
        time.sleep(5)  # let the servers settle after the burst before reading their memory
        students_memory = [_tree_memory(pid) for user, pid in service.server_pids_by_user(state).items()
                           if user in students]
        figures = {
            "students": args.students, "hub_start_s": round(hub_start, 2), "class_wall_s": round(class_wall, 1),
            "per_student_median_s": round(statistics.median(seconds), 1) if seconds else None,
            "per_student_max_s": round(max(seconds), 1) if seconds else None, "failed": failed,
            "servers_measured": len(students_memory),
            "rss_mb_median": round(statistics.median(m[0] for m in students_memory), 1) if students_memory else None,
            "pss_mb_median": round(statistics.median(m[1] for m in students_memory), 1) if students_memory else None,
            "load_average_1min": round(os.getloadavg()[0], 1), "cpus": os.cpu_count(),
        }
    finally:
        service.stop(state)
        accounts.remove_users([teacher, *students], [exchange.grader_group(prefix)])
        subprocess.run(["rm", "-rf", "--one-file-system", str(state)], timeout=300)
    print(json.dumps(figures, indent=1, ensure_ascii=False))
    if args.write:
        write_section(report(figures))
    return 1 if figures["failed"] else 0


def _release(url: str, admin: str, teacher: str) -> None:
    token = _json(url + f"/hub/api/users/{teacher}/tokens", admin, {"note": "bench"})["token"]
    _json(url + f"/hub/api/users/{teacher}/server", admin, {})
    deadline = time.monotonic() + 300
    while not _json(url + f"/hub/api/users/{teacher}", admin)["servers"].get("", {}).get("ready"):
        if time.monotonic() > deadline:
            raise RuntimeError("the instructor's server did not start")
        time.sleep(0.5)
    for action in ("assign", "release"):
        reply = _json(url + f"/user/{teacher}/formgrader/api/assignment/01_softmax_en/{action}", token, {})
        if not reply.get("success"):
            raise RuntimeError(f"{action}: {reply}")


def _student(url: str, user: str, password: str, course: str, deadline: float, results: dict) -> None:
    """Log in on the form, wait for the Lab as a browser would, fetch lesson 1 through the user's server."""
    began = time.monotonic()
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(url + "/hub/login", timeout=120) as page:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.read().decode()).group(1)
        form = urllib.parse.urlencode({"username": user, "password": password, "_xsrf": xsrf}).encode()
        opener.open(url + "/hub/login?next=", data=form, timeout=300).close()
        while True:  # the spawn-pending page until the Lab itself answers (the OAuth hand-over included)
            with opener.open(url + f"/user/{user}/lab", timeout=300) as page:
                if page.geturl().startswith(url + f"/user/{user}/lab") and page.status == 200:
                    break
            if time.monotonic() > deadline:
                raise TimeoutError("the Lab did not open in time")
            time.sleep(1)
        server_xsrf = next(c.value for c in jar if c.name == "_xsrf" and c.path.startswith(f"/user/{user}"))
        body = urllib.parse.urlencode({"course_id": course, "assignment_id": "01_softmax_en"}).encode()
        request = urllib.request.Request(url + f"/user/{user}/assignments/fetch", data=body,
                                         headers={"X-XSRFToken": server_xsrf})
        with opener.open(request, timeout=300) as reply:
            listing = json.load(reply)
        if not any(a["status"] == "fetched" for a in listing["value"]):
            raise RuntimeError(f"not fetched: {listing}")
        results[user] = time.monotonic() - began
    except Exception as problem:  # one student's failure is a result, not the end of the run
        results[user] = f"{type(problem).__name__}: {problem}"


def _json(address: str, token: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(address, data=data, method="POST" if body is not None else "GET",
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as reply:
        text = reply.read().decode()
    return json.loads(text) if text else {}


def _tree_memory(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    rss = pss = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
        except OSError:
            continue
        rss += int(re.search(r"^Rss:\s+(\d+)", rollup, re.M).group(1)) / 1024
        pss += int(re.search(r"^Pss:\s+(\d+)", rollup, re.M).group(1)) / 1024
    return rss, pss


def report(figures: dict) -> str:
    failed = len(figures["failed"])
    return "\n".join([
        SECTION, "",
        f"Measured by `python -m course.hub.bench --students {figures['students']}` on {time.strftime('%Y-%m-%d')}, "
        f"as root on loopback ({figures['cpus']} CPUs; 1-minute load average {figures['load_average_1min']} at the "
        "end, the machine being shared). Each student logs in on the hub's form (PAM), waits for their JupyterLab "
        "as a browser does, and fetches lesson 1 through their own server, all at once.", "",
        "| Measure | Value |", "|---|---|",
        f"| Hub start (JupyterHub + configurable-http-proxy, until the API answers), s | {figures['hub_start_s']} |",
        f"| {figures['students']} students log in and fetch at once, wall s (until the last one) | {figures['class_wall_s']} |",
        f"| One student, log-in to fetched, median / slowest s | {figures['per_student_median_s']} / {figures['per_student_max_s']} |",
        f"| Students who failed | {failed} |",
        f"| Memory per idle user server (process tree), RSS MB, median of {figures['servers_measured']} | {figures['rss_mb_median']} |",
        f"| Memory per idle user server, PSS MB (shared pages split), median | {figures['pss_mb_median']} |",
        "",
    ])


def _free_port() -> int:
    from . import free_port

    return free_port()


if __name__ == "__main__":
    sys.exit(main())
