"""Checks on the converged VM, independent of the role's variables: the engine runs
with the daemon.json an operator expects, and Compose v2 pulls from a registry."""

import json

import pytest


@pytest.mark.parametrize("pkg", ["docker.io", "docker-cli", "docker-compose"])
def test_packages_installed(host, pkg):
    assert host.package(pkg).is_installed


def test_service_enabled_and_running(host):
    svc = host.service("docker")
    assert svc.is_enabled
    assert svc.is_running


def test_compose_v2(host):
    version = host.check_output("docker compose version --short").lstrip("v")
    major, minor = (int(x) for x in version.split(".")[:2])
    assert (major, minor) >= (2, 18)  # community.docker.docker_compose_v2 needs 2.18


def test_daemon_json(host):
    f = host.file("/etc/docker/daemon.json")
    assert f.user == "root" and f.mode == 0o644
    conf = json.loads(f.content_string)
    assert conf["log-driver"] == "json-file"
    assert conf["log-opts"] == {"max-size": "50m", "max-file": "5"}
    assert conf["live-restore"] is True
    assert conf["insecure-registries"] == ["labreg:5000"]
    assert conf["default-address-pools"] == [{"base": "10.213.0.0/16", "size": 24}]


def test_engine_runs_with_daemon_json(host):
    # `docker info` shows the running engine: proves the handler restarted it.
    info = json.loads(host.check_output("docker info --format '{{json .}}'"))
    assert info["LiveRestoreEnabled"] is True
    assert info["LoggingDriver"] == "json-file"
    assert info["RegistryConfig"]["IndexConfigs"]["labreg:5000"]["Secure"] is False


def test_compose_pulls_from_registry(host):
    # The production code path: `docker compose pull` from a registry (the lab's).
    project = "/tmp/verify-compose"
    host.check_output(
        f"mkdir -p {project} && printf 'services:\\n  cache:\\n"
        f"    image: labreg:5000/library/redis:8\\n' > {project}/compose.yml"
    )
    try:
        host.check_output(f"docker compose --project-directory {project} pull -q")
        host.check_output(f"docker compose --project-directory {project} up -d --wait")
        pong = host.check_output(
            f"docker compose --project-directory {project} exec -T cache redis-cli ping"
        )
        assert pong == "PONG"
    finally:
        host.run(f"docker compose --project-directory {project} down -v")
