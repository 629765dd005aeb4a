"""The lab registry: a Debian `docker-registry` container on every lab network.

The host pushes to it through 127.0.0.1:5000 (Docker treats localhost registries as
insecure without configuration); lab VMs pull `labreg:5000/<path>` by name, their
engine listing `labreg:5000` under insecure-registries (set by the lab inventory).
"""

from __future__ import annotations

from lab import images
from lab.engine import ensure_engine, log, run

NAME = "labreg"
HOST_ADDR = "127.0.0.1:5000"
LAB_ADDR = f"{NAME}:5000"


def _inspect(fmt: str) -> str | None:
    proc = run(["docker", "inspect", "--format", fmt, NAME], check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


def ensure_running() -> None:
    """Start the registry container, recreating it when its image changed."""
    ensure_engine()
    image = images.ensure("registry")
    current = _inspect("{{.Config.Image}} {{.State.Running}}")
    if current == f"{image} true":
        return
    if current is not None:
        run(["docker", "rm", "-f", NAME])
    log(f"starting the lab registry {NAME} on {HOST_ADDR}")
    run(
        [
            "docker",
            "run",
            "-d",
            "--name",
            NAME,
            "--restart",
            "unless-stopped",
            "--label",
            f"{images.LABEL}=1",
            "-p",
            f"{HOST_ADDR}:5000",
            "-v",
            "labreg-data:/var/lib/docker-registry",
            image,
        ]
    )


def publish(name: str) -> str:
    """Build a service image and push it; returns the reference lab VMs pull."""
    r = images.recipe(name)
    if not r.published:
        raise ValueError(f"lab image {name} is not a service image")
    ensure_running()
    local = images.ensure(name)
    pushed = f"localhost:5000/{r.published}"
    run(["docker", "tag", local, pushed])
    # A push of layers the registry already holds only compares digests.
    for _ in range(10):
        if run(["docker", "push", "-q", pushed], check=False).returncode == 0:
            break
        run(["sleep", "1"])
    else:
        run(["docker", "push", pushed])
    return f"{LAB_ADDR}/{r.published}"


def publish_all() -> list[str]:
    """Publish every service image the roles use."""
    return [publish(r.name) for r in images.RECIPE_LIST if r.published]


def attach(network: str) -> None:
    """Put the registry on a lab network so its VMs resolve `labreg`."""
    ensure_running()
    nets = _inspect("{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}") or ""
    if network not in nets.split():
        run(["docker", "network", "connect", network, NAME])
