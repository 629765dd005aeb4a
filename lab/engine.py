"""The host's Docker engine: install it and start dockerd when it is missing.

CI machines start with the Docker CLI at most, no daemon and no systemd as PID 1, so
the lab starts `dockerd` itself (see shared/LAB-NOTES.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

DOCKERD_LOG = Path("/var/log/lab-dockerd.log")


class LabError(RuntimeError):
    """A lab step failed; the message says which and what to do."""


def run(
    cmd: Sequence[str], *, check: bool = True, capture: bool = True, **kw: object
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure raise LabError with its stderr (no traceback noise)."""
    proc = subprocess.run(list(cmd), text=True, capture_output=capture, check=False, **kw)  # type: ignore[call-overload]
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout or "").strip() if capture else ""
        raise LabError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{detail}")
    return proc


def log(msg: str) -> None:
    """Progress goes to stderr so stdout stays machine-readable (image tags, env)."""
    print(f"lab: {msg}", file=sys.stderr, flush=True)


def docker_ok() -> bool:
    """True when a Docker daemon answers."""
    if not shutil.which("docker"):
        return False
    return run(["docker", "info", "--format", "{{.ServerVersion}}"], check=False).returncode == 0


def apt_install(*packages: str) -> None:
    """Install Debian packages (the lab runs as root on Debian)."""
    if os.geteuid() != 0:
        raise LabError(f"installing {' '.join(packages)} needs root (apt-get)")
    log(f"installing {' '.join(packages)} from Debian")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", *packages], env=env)


def ensure_tools() -> None:
    """The host tools the lab needs: Docker engine and debootstrap."""
    missing = [
        p
        for p, exe in (("docker.io", "dockerd"), ("debootstrap", "debootstrap"))
        if not shutil.which(exe) and not Path(f"/usr/sbin/{exe}").exists()
    ]
    if missing:
        apt_install(*missing)


def ensure_engine(timeout: float = 60.0) -> None:
    """Make sure a Docker daemon answers, starting dockerd when none does."""
    if docker_ok():
        return
    ensure_tools()
    dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
    log(f"starting {dockerd} (log: {DOCKERD_LOG})")
    with DOCKERD_LOG.open("ab") as out:
        # New session: dockerd must outlive this command and the shell that ran it.
        subprocess.Popen(
            [dockerd], stdout=out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if docker_ok():
            return
        time.sleep(0.5)
    raise LabError(f"dockerd did not answer within {timeout:.0f}s; see {DOCKERD_LOG}")
