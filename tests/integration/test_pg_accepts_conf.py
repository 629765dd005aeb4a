"""Every rendered postgresql.conf of a grid of plans is accepted by a real PostgreSQL 17.

One container from the lab's PostgreSQL 17 image runs the whole grid: initdb once,
then for each plan start the server with `-c config_file=<rendered file>`, wait for
it, compare pg_settings with the plan, check that no line was rejected or left
unapplied, and stop it. No parser of ours decides what PostgreSQL accepts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "plugins" / "module_utils"))

import tenant_sizing  # noqa: E402

from tests.pgsettings import mismatch  # noqa: E402

pytestmark = pytest.mark.lab

PGDATA = "/tmp/pgdata"

# Hosts up to 16 GiB so shared_buffers fits any CI runner's memory; every PGTune
# profile, every layout with PostgreSQL, all storage classes, Odoo 15..19 (their
# pools set max_connections), both hugepages decisions.
GRID: list[dict[str, object]] = [
    {"cpus": 2, "memory_mb": 4096, "odoo_version": 16, "data_volume_gb": 40},
    {"cpus": 2, "memory_mb": 4096, "odoo_version": 15, "replicas": 0, "storage": "hdd"},
    {"cpus": 4, "memory_mb": 8192, "users": 25, "storage": "nvme", "hugepages": "reserve"},
    {"cpus": 4, "memory_mb": 16384, "users": 30},
    {"cpus": 4, "memory_mb": 16384, "resize": "peak", "odoo_version": 18, "replicas": 3},
    {"cpus": 8, "memory_mb": 16384, "odoo_version": 19, "storage": "san", "hugepages": "off"},
    {"cpus": 4, "memory_mb": 8192, "layout": "db", "app_cpus": 8, "app_memory_mb": 32768},
    {"cpus": 8, "memory_mb": 16384, "layout": "db", "storage": "hdd", "app_hosts": 3},
    {"cpus": 4, "memory_mb": 16384, "profile": "web"},
    {"cpus": 4, "memory_mb": 16384, "profile": "oltp", "storage": "nvme"},
    {"cpus": 8, "memory_mb": 16384, "layout": "db", "profile": "dw", "storage": "hdd"},
    {"cpus": 2, "memory_mb": 4096, "profile": "desktop", "replicas": 0},
    {"cpus": 4, "memory_mb": 8192, "profile": "mixed", "storage": "ssd"},
    {"cpus": 16, "memory_mb": 16384, "layout": "db", "pg_connections": 400, "data_volume_gb": 10},
]


def _grid_id(inputs: dict[str, object]) -> str:
    return "-".join(f"{k}={v}" for k, v in inputs.items())


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="session")
def pg_image() -> str:
    """The lab's PostgreSQL 17 image tag (built on demand by `python -m lab image postgres`)."""
    if os.environ.get("LAB_SKIP") == "1":
        pytest.skip("LAB_SKIP=1: lab images are not available in this run")
    if not shutil.which("docker"):
        pytest.fail("docker CLI not found; the lab tests need the host Docker engine")
    venv_python = ROOT / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.exists() else sys.executable
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    proc = _run([python, "-m", "lab", "image", "postgres"], cwd=ROOT, env=env, timeout=1800)
    if proc.returncode != 0:
        pytest.fail(f"lab image postgres failed: {proc.stderr.strip()[-2000:]}")
    return proc.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="session")
def pg_container(pg_image: str) -> Iterator[str]:
    """One long-lived container with an initdb'ed cluster; servers start/stop inside it."""
    name = f"tenant-sizing-pgconf-{uuid.uuid4().hex[:8]}"
    started = _run(
        [
            *("docker", "run", "-d", "--rm", "--name", name, "--shm-size", "512m"),
            *("--entrypoint", "sleep", pg_image, "infinity"),
        ]
    )
    if started.returncode != 0:
        pytest.fail(f"cannot start {pg_image}: {started.stderr.strip()}")
    try:
        init = _exec(name, "initdb", "-D", PGDATA, "-U", "postgres", "--auth=trust")
        assert init.returncode == 0, init.stderr
        yield name
    finally:
        _run(["docker", "rm", "-f", name])


def _exec(container: str, *cmd: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return _run(["docker", "exec", "-i", "-u", "postgres", container, *cmd], input=stdin)


def _psql(container: str, sql: str) -> list[list[str]]:
    proc = _exec(
        container, "psql", "-X", "-At", "-F", "\t", "-h", "/tmp", "-U", "postgres", "-c", sql
    )
    assert proc.returncode == 0, proc.stderr
    return [line.split("\t") for line in proc.stdout.splitlines() if line]


@pytest.mark.parametrize("inputs", GRID, ids=[_grid_id(g) for g in GRID])
def test_postgresql_17_accepts_the_rendered_conf(pg_container: str, inputs: dict[str, object]):
    plan = tenant_sizing.plan_host({**inputs, "pg_version": 17})
    conf = tenant_sizing.render_postgresql_conf(plan)
    conf_path = "/tmp/plan.conf"
    wrote = _exec(pg_container, "sh", "-c", f"cat > {conf_path}", stdin=conf)
    assert wrote.returncode == 0, wrote.stderr
    options = f"-c config_file={conf_path} -c unix_socket_directories=/tmp -c listen_addresses=''"
    start = _exec(
        pg_container,
        "pg_ctl",
        "-D",
        PGDATA,
        "-l",
        "/tmp/pg.log",
        "-w",
        "-t",
        "60",
        "-o",
        options,
        "start",
    )
    try:
        log = _exec(pg_container, "cat", "/tmp/pg.log").stdout
        assert start.returncode == 0, f"PostgreSQL refused the conf:\n{log[-3000:]}\n{conf}"
        problems = _psql(
            pg_container,
            "SELECT name, setting, error FROM pg_file_settings"
            f" WHERE sourcefile = '{conf_path}' AND (error IS NOT NULL OR NOT applied)",
        )
        assert problems == [], problems
        settings = plan["postgresql"]["settings"]
        names = ",".join(f"'{n}'" for n in settings)
        rows = _psql(
            pg_container,
            "SELECT name, setting, coalesce(unit, ''), vartype FROM pg_settings"
            f" WHERE name IN ({names})",
        )
        actual = {name: (setting, unit or None, vartype) for name, setting, unit, vartype in rows}
        assert set(actual) == set(settings), set(settings) - set(actual)
        problems = [
            mismatch(name, str(entry["value"]), *actual[name]) for name, entry in settings.items()
        ]
        assert [p for p in problems if p] == []
        if plan["postgresql"]["huge_pages_reserved"]:
            # Our vm.nr_hugepages estimate must cover what PostgreSQL 17 says it needs.
            (need,) = _psql(pg_container, "SHOW shared_memory_size_in_huge_pages")[0]
            planned = plan["postgresql"]["host"]["vm.nr_hugepages"]["value"]
            print(f"vm.nr_hugepages planned {planned}, PostgreSQL 17 needs {need}")
            assert planned >= int(need)
    finally:
        _exec(pg_container, "pg_ctl", "-D", PGDATA, "-m", "fast", "-w", "stop")


def test_the_harness_sees_a_rejected_conf(pg_container: str):
    """Control: a value PostgreSQL 17 refuses (below shared_buffers' 128kB minimum)
    makes the start fail, so the grid above would catch a bad rendered value."""
    wrote = _exec(pg_container, "sh", "-c", "cat > /tmp/bad.conf", stdin="shared_buffers = 16kB\n")
    assert wrote.returncode == 0, wrote.stderr
    options = "-c config_file=/tmp/bad.conf -c unix_socket_directories=/tmp -c listen_addresses=''"
    start = _exec(
        pg_container,
        "pg_ctl",
        "-D",
        PGDATA,
        "-l",
        "/tmp/bad.log",
        "-w",
        "-t",
        "30",
        "-o",
        options,
        "start",
    )
    if start.returncode == 0:
        _exec(pg_container, "pg_ctl", "-D", PGDATA, "-m", "fast", "-w", "stop")
    assert start.returncode != 0
    assert "shared_buffers" in _exec(pg_container, "cat", "/tmp/bad.log").stdout
