"""The tenant's Redis, checked from the outside: healthy, sized by the sizing engine
for this VM, sessions spared by the eviction policy and kept across restarts, the
tenant user confined to its prefix, the default user and dangerous commands refused,
the port published on the private address only."""

from __future__ import annotations

import os
import shlex
import sys
import time
import uuid
from pathlib import Path

import testinfra

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT / "plugins" / "module_utils")]
import tenant_sizing  # noqa: E402

VM = "redis-vm"
CONTAINER = "acme-redis"
IMAGE = "labreg:5000/library/redis:8"
# The platform's memory limit (molecule.yml); the VM sees the host's CPUs.
MEMORY_MB = 8192
CREDENTIALS = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "credentials"


def vm() -> testinfra.host.Host:
    return testinfra.get_host(f"docker://{VM}")


def password(user: str) -> str:
    return (CREDENTIALS / f"redis-{user}").read_text().strip()


def address() -> str:
    # eth0 is the lab network; `hostname -I` may list the VM's own docker0 first.
    return vm().check_output("ip -4 -o addr show dev eth0").split()[3].split("/")[0]


def cli(*args: str, user: str | None = "acme", host: str | None = None) -> str:
    """redis-cli as `user` (None: no AUTH). Inside the Redis container by default; with
    `host`, from the VM's own network namespace, as a client on the VM would connect."""
    env = f"-e REDISCLI_AUTH={password(user)} " if user else ""
    auth = f"--no-auth-warning --user {user} " if user else ""
    words = " ".join(shlex.quote(a) for a in args)
    if host is None:
        cmd = f"docker exec {env}{CONTAINER} redis-cli {auth}{words}"
    else:
        cmd = f"docker run --rm --network host {env}{IMAGE} redis-cli -h {host} {auth}{words}"
    out = vm().run(cmd)
    return (out.stdout + out.stderr).strip()


def wait_healthy(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        status = vm().check_output(f"docker inspect -f '{{{{.State.Health.Status}}}}' {CONTAINER}")
        if status == "healthy":
            return
        assert time.monotonic() < deadline, f"{CONTAINER} is {status}"
        time.sleep(1)


def test_container_is_healthy() -> None:
    wait_healthy()


def test_maxmemory_is_the_plans_for_this_vm() -> None:
    cpus = float(vm().check_output("nproc"))
    plan = tenant_sizing.plan_host({"cpus": cpus, "memory_mb": MEMORY_MB, "layout": "app"})
    expected = int(plan["redis"]["maxmemory"]["value"].removesuffix("mb")) * 1024 * 1024
    assert cli("config", "get", "maxmemory", user="monitoring").split() == [
        "maxmemory",
        str(expected),
    ]
    limit = plan["containers"]["redis"]["memory_mb"]["value"] * 1024 * 1024
    memory = vm().check_output(f"docker inspect -f '{{{{.HostConfig.Memory}}}}' {CONTAINER}")
    assert int(memory) == limit


def test_policy_persistence_and_protected_mode() -> None:
    settings = {
        "maxmemory-policy": "volatile-ttl",
        "appendonly": "yes",
        "appendfsync": "everysec",
        "protected-mode": "yes",
        "save": "",
        "requirepass": "",
    }
    for name, value in settings.items():
        out = cli("config", "get", name, user="monitoring").splitlines()
        assert out[0] == name and (out[1:] or [""])[0] == value, (name, out)


def test_tenant_user_reads_and_writes_under_its_prefix() -> None:
    key = f"session:acme:{uuid.uuid4().hex}"
    assert cli("set", key, "v", "EX", "600") == "OK"
    assert cli("get", key) == "v"
    assert 0 < int(cli("ttl", key)) <= 600
    assert cli("set", f"acme:cache:{uuid.uuid4().hex}", "c", "EX", "60") == "OK"


def test_tenant_user_is_refused_outside_its_prefix() -> None:
    assert cli("set", "session:other:x", "v").startswith("NOPERM")
    assert cli("get", "other").startswith("NOPERM")


def test_tenant_user_is_refused_dangerous_commands() -> None:
    for args in (
        ["flushall"],
        ["flushdb"],
        ["config", "get", "maxmemory"],
        ["config", "set", "maxmemory", "0"],
        ["keys", "*"],
        ["shutdown"],
        ["acl", "list"],
        ["client", "list"],
    ):
        assert cli(*args).startswith("NOPERM"), args
    # DEBUG is disabled for every user (enable-debug-command no), before ACLs apply.
    assert "DEBUG command not allowed" in cli("debug", "sleep", "0")


def test_default_user_is_refused() -> None:
    assert cli("ping", user=None).startswith("NOAUTH")
    out = vm().run(f"docker exec {CONTAINER} redis-cli --no-auth-warning -a anything ping")
    assert "WRONGPASS" in out.stdout + out.stderr, out.stdout + out.stderr


def test_monitoring_user_cannot_touch_keys() -> None:
    assert cli("get", "session:acme:x", user="monitoring").startswith("NOPERM")


def test_published_on_the_private_address_only() -> None:
    assert cli("ping", host=address()) == "PONG"
    assert "Connection refused" in cli("ping", host="127.0.0.1")
    listeners = vm().check_output("ss -Htln 'sport = :6379'").splitlines()
    assert [line.split()[3] for line in listeners] == [f"{address()}:6379"]


def test_sessions_survive_a_restart() -> None:
    key = f"session:acme:{uuid.uuid4().hex}"
    assert cli("set", key, "kept", "EX", "3600") == "OK"
    vm().check_output(f"docker restart {CONTAINER}")
    wait_healthy()
    assert cli("get", key) == "kept"


def test_secrets_are_not_world_readable() -> None:
    host = vm()
    for path in ("conf/secrets/monitoring", "conf/redis.conf"):
        assert not host.file(f"/opt/odoo-tenant/acme/redis/{path}").mode & 0o007, path
    for path in CREDENTIALS.iterdir():
        assert not path.stat().st_mode & 0o077, path
