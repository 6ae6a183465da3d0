"""deploy/kubernetes/: the grading workers' Deployment and the Redis Service agree (no cluster needed)."""

from __future__ import annotations

import yaml

from course.paths import REPO

FOLDER = REPO / "deploy" / "kubernetes"


def documents(name: str) -> dict[str, dict]:
    return {doc["kind"]: doc for doc in yaml.safe_load_all((FOLDER / name).read_text(encoding="utf-8")) if doc}


def test_the_workers_reach_the_redis_service_and_run_the_course_worker():
    redis, workers = documents("redis.yaml"), documents("worker.yaml")
    service, server, deployment = redis["Service"], redis["Deployment"], workers["Deployment"]
    # The Service selects Redis's pods and forwards to the port its container opens.
    pod = server["spec"]["template"]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert server["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    [container] = pod["spec"]["containers"]
    [port] = service["spec"]["ports"]
    assert port["targetPort"] in {p["name"] for p in container["ports"]} | {p["containerPort"] for p in container["ports"]}
    # The workers run `python -m course worker --queue` at that Service's name and port.
    template = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= template["metadata"]["labels"].items()
    [worker] = template["spec"]["containers"]
    command = worker["command"]
    assert command[:4] == ["python", "-m", "course", "worker"]
    url = command[command.index("--queue") + 1]
    assert url == f"redis://{service['metadata']['name']}:{port['port']}/0"
    from course.__main__ import parser

    args = parser().parse_args(command[3:])  # the worker verb accepts exactly these options
    assert args.queue == url and args.concurrency >= 1
    # The same image as the hub's users (values.yaml): the course at one version, data and bubblewrap in it.
    values = yaml.safe_load((REPO / "deploy" / "zero-to-jupyterhub" / "values.yaml").read_text(encoding="utf-8"))
    image = values["singleuser"]["image"]
    assert worker["image"] == f"{image['name']}:{image['tag']}"
    # A worker stopped by Kubernetes may finish the notebook it grades (default --timeout 300 × 2 exercises).
    assert template["spec"]["terminationGracePeriodSeconds"] > 600
