"""Lab images, built from Debian packages only and tagged by a hash of their recipe.

An image is rebuilt only when its recipe (the files in lab/images/<name>/, or its
parent's tag) changes, so a second test run on the same machine reuses every image.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lab.engine import LabError, ensure_engine, ensure_tools, log, run

RECIPES = Path(__file__).parent / "images"
LABEL = "org.odoo-tenant-kit.lab"
DEFAULT_MIRROR = "http://deb.debian.org/debian"


@dataclass(frozen=True)
class Recipe:
    """How to build one lab image.

    `published` is the repository path the image gets in the lab registry: the same
    path as on Docker Hub, so roles only swap the registry host. Several recipes may
    share one directory (`directory`) and differ by their build arguments (`args`),
    e.g. one Odoo stand-in per major version.
    """

    name: str
    parent: str | None
    published: str | None = None
    directory: str | None = None
    args: tuple[tuple[str, str], ...] = ()


RECIPE_LIST = (
    Recipe("debian", None),  # debootstrap root file system, Debian 13
    Recipe("systemd", "debian"),  # a bare VM: systemd + python3
    Recipe("vm", "systemd"),  # a VM with Docker engine + Compose v2 preinstalled
    Recipe("registry", "debian"),  # the lab registry
    Recipe("postgres", "debian", "library/postgres:17"),
    Recipe("redis", "debian", "library/redis:8"),
    # The lab-only Odoo contract image, one per major (`odoo` is the newest).
    Recipe("odoo", "debian", "library/odoo:18", "odoo", (("ODOO_VERSION", "18.0"),)),
    Recipe("odoo-17", "debian", "library/odoo:17", "odoo", (("ODOO_VERSION", "17.0"),)),
    Recipe("odoo-16", "debian", "library/odoo:16", "odoo", (("ODOO_VERSION", "16.0"),)),
    Recipe("odoo-15", "debian", "library/odoo:15", "odoo", (("ODOO_VERSION", "15.0"),)),
)
RECIPES_BY_NAME = {r.name: r for r in RECIPE_LIST}


def recipe(name: str) -> Recipe:
    """Look a recipe up by name, naming the valid ones when it is unknown."""
    try:
        return RECIPES_BY_NAME[name]
    except KeyError:
        raise LabError(f"unknown lab image {name!r}; known: {', '.join(RECIPES_BY_NAME)}") from None


def _recipe_dir(name: str) -> Path:
    return RECIPES / ("base" if name == "debian" else recipe(name).directory or name)


def content_hash(name: str) -> str:
    """Hash of the recipe files and the parent's hash: the image's identity."""
    r = recipe(name)
    h = hashlib.sha256()
    h.update(f"{name}\0{content_hash(r.parent) if r.parent else ''}\0".encode())
    if r.args:  # only when set, so the other images keep their tags
        h.update(repr(r.args).encode() + b"\0")
    for path in sorted(p for p in _recipe_dir(name).rglob("*") if p.is_file()):
        h.update(str(path.relative_to(_recipe_dir(name))).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
        h.update(b"x" if os.access(path, os.X_OK) else b"-")
    return h.hexdigest()[:12]


def tag(name: str) -> str:
    """The full local tag of a lab image, e.g. lab/postgres:3f2a9c1b7d0e."""
    return f"lab/{name}:{content_hash(name)}"


def exists(image: str) -> bool:
    """True when the host engine has this image."""
    return run(["docker", "image", "inspect", image], check=False).returncode == 0


def debian_mirror() -> str:
    """The Debian mirror this machine uses (CI reaches only that one)."""
    sources = Path("/etc/apt/sources.list.d/debian.sources")
    if sources.exists():
        m = re.search(r"^URIs:\s*(\S+)", sources.read_text(), re.M)
        if m:
            return m.group(1)
    return DEFAULT_MIRROR


def _build_debian(image: str) -> None:
    ensure_tools()
    root = Path(tempfile.mkdtemp(prefix="lab-debian-", dir="/var/tmp"))
    try:
        log(f"debootstrap Debian 13 into {root} (about 30-60 s)")
        run(["bash", str(_recipe_dir("debian") / "build.sh"), str(root), debian_mirror()])
        # Streamed, never held in memory: the root file system is ~150 MB.
        run(
            [
                "bash",
                "-o",
                "pipefail",
                "-c",
                'tar -C "$1" -c . | docker import --change "CMD [\\"/bin/bash\\"]" '
                '--change "LABEL $2=1" - "$3"',
                "import",
                str(root),
                LABEL,
                image,
            ]
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def ensure(name: str) -> str:
    """Build the image (and its parents) unless an image with this recipe exists."""
    r = recipe(name)
    parent = ensure(r.parent) if r.parent else None
    image = tag(name)
    if exists(image):
        return image
    ensure_engine()
    if name == "debian":
        _build_debian(image)
    else:
        log(f"building {image}")
        env = {**os.environ, "DOCKER_BUILDKIT": "0"}  # the legacy builder ships with docker.io
        run(
            [
                "docker",
                "build",
                "-q",
                "--label",
                f"{LABEL}=1",
                "--build-arg",
                f"BASE={parent}",
                *(a for k, v in r.args for a in ("--build-arg", f"{k}={v}")),
                "-t",
                image,
                str(_recipe_dir(name)),
            ],
            env=env,
        )
    log(f"built {image}")
    return image


def prune() -> list[str]:
    """Remove lab images whose recipe changed since they were built."""
    current = {tag(r.name) for r in RECIPE_LIST}
    listed = run(
        [
            "docker",
            "image",
            "ls",
            "--filter",
            f"label={LABEL}",
            "--format",
            "{{.Repository}}:{{.Tag}}",
        ]
    ).stdout.split()
    stale = [i for i in listed if i.startswith("lab/") and i not in current]
    for image in stale:
        run(["docker", "image", "rm", image], check=False)
    return stale
