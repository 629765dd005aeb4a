"""The lab's PostgreSQL and Redis images honour the official images' contracts that
our roles rely on (checked by running them, not by reading their recipes)."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from lab import images

pytestmark = pytest.mark.lab


def sh(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, text=True, capture_output=True, check=check)


def wait_ready(name: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Ready on TCP means the init phase (socket-only temp server) is over.
        if (
            sh(
                "docker", "exec", name, "pg_isready", "-h", "127.0.0.1", "-q", check=False
            ).returncode
            == 0
        ):
            return
        time.sleep(0.5)
    logs = sh("docker", "logs", name, check=False)
    raise AssertionError(f"{name} not ready: {logs.stdout}{logs.stderr}")


@pytest.fixture
def container(lab_env: dict[str, str]) -> Iterator[str]:
    name = f"test-{uuid.uuid4().hex[:8]}"
    yield name
    sh("docker", "rm", "-f", "-v", name, check=False)


def start_postgres(name: str, *docker_args: str, command: tuple[str, ...] = ()) -> None:
    """Run the stand-in as tenant/tenantdb (plus docker_args) and wait until it serves."""
    env = ["-e", "POSTGRES_USER=tenant", "-e", "POSTGRES_DB=tenantdb"]
    sh(
        "docker",
        "run",
        "-d",
        "--name",
        name,
        *env,
        *docker_args,
        images.ensure("postgres"),
        *command,
    )
    wait_ready(name)


def psql(name: str, sql: str, user: str = "tenant", db: str = "tenantdb") -> str:
    return sh("docker", "exec", name, "psql", "-U", user, "-d", db, "-Atc", sql).stdout.strip()


def test_postgres_contract(container: str, tmp_path) -> None:
    init = tmp_path / "init"
    init.mkdir()
    (init / "10-table.sql").write_text("CREATE TABLE from_initdb (id int);\n")
    (init / "20-role.sh").write_text(
        'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" '
        "-c 'CREATE ROLE from_shell'\n"
    )
    start_postgres(
        container,
        *("-e", "POSTGRES_PASSWORD=s3cret", "-e", "PGDATA=/var/lib/postgresql/data/pgdata"),
        *("-v", f"{init}:/docker-entrypoint-initdb.d:ro"),
        command=("postgres", "-c", "shared_buffers=48MB", "-c", "max_connections=37"),
    )
    assert psql(container, "SHOW shared_buffers") == "48MB"
    assert psql(container, "SHOW max_connections") == "37"
    assert psql(container, "SHOW data_directory") == "/var/lib/postgresql/data/pgdata"
    assert psql(container, "SELECT count(*) FROM from_initdb") == "0"
    assert psql(container, "SELECT count(*) FROM pg_roles WHERE rolname='from_shell'") == "1"
    assert psql(container, "SELECT rolsuper FROM pg_roles WHERE rolname='tenant'") == "t"
    assert psql(container, "SELECT current_setting('server_version_num')::int / 10000") == "17"
    # Runs as postgres (uid 999 as upstream), and ships the replication tools.
    assert sh("docker", "exec", container, "sh", "-c", "stat -c %u /proc/1").stdout.strip() == "999"
    for tool in ("pg_basebackup", "pg_rewind", "pg_isready", "pg_ctl"):
        sh("docker", "exec", container, "sh", "-c", f"command -v {tool}")
    # From another host the password is required (scram-sha-256); like upstream, only
    # connections from inside the container itself are trusted.
    ip = sh("docker", "inspect", "-f", "{{.NetworkSettings.IPAddress}}", container).stdout.strip()
    client = ["docker", "run", "--rm", images.ensure("postgres"), "psql", "-h", ip]
    client += ["-U", "tenant", "-d", "tenantdb", "-w", "-Atc", "select 1"]
    denied = sh(*client, check=False)
    assert denied.returncode != 0 and "password" in denied.stderr, denied.stderr
    client[2:2] = ["-e", "PGPASSWORD=s3cret"]
    assert sh(*client).stdout.strip() == "1"


def test_postgres_restart_keeps_data_and_skips_init(container: str) -> None:
    start_postgres(container, "-e", "POSTGRES_PASSWORD=x")
    psql(container, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('yes')")
    sh("docker", "restart", container)
    wait_ready(container)
    assert psql(container, "SELECT v FROM kept") == "yes"
    assert "Skipping initialization" in sh("docker", "logs", container).stdout


def test_postgres_refuses_to_init_without_password(container: str) -> None:
    proc = sh("docker", "run", "--name", container, images.ensure("postgres"), check=False)
    assert proc.returncode != 0
    assert "You must specify POSTGRES_PASSWORD" in proc.stderr


def redis_cli(container: str, *args: str, check: bool = True) -> list[str]:
    """redis-cli inside the container, authenticated with the test's password."""
    cmd = ("docker", "exec", container, "redis-cli", "-a", "pw", "--no-auth-warning", *args)
    return sh(*cmd, check=check).stdout.split()


def test_redis_contract(container: str) -> None:
    sh(
        "docker",
        "run",
        "-d",
        "--name",
        container,
        images.ensure("redis"),
        "--maxmemory",
        "16mb",
        "--requirepass",
        "pw",
    )
    deadline = time.monotonic() + 20
    while redis_cli(container, "ping", check=False) != ["PONG"]:
        assert time.monotonic() < deadline, sh("docker", "logs", container).stdout
        time.sleep(0.3)
    got = redis_cli(container, "config", "get", "maxmemory")
    assert got == ["maxmemory", str(16 * 1024 * 1024)]
    assert sh("docker", "exec", container, "sh", "-c", "stat -c %u /proc/1").stdout.strip() == "999"
    assert sh("docker", "exec", container, "pwd").stdout.strip() == "/data"
