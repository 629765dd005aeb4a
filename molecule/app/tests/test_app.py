"""The application stack, checked from the outside against the lab's Odoo stand-in:
migrate ran, web and cron are healthy with the sizing engine's processes and limits,
cron writes heartbeats, web talks to PostgreSQL over TLS as a non-superuser, a login
puts its session in Redis under the tenant's prefix, the database manager is refused."""

from __future__ import annotations

import http.client
import os
import sys
import threading
import time
from pathlib import Path

import testinfra
import yaml

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins" / "module_utils")]
import tenant_sizing  # noqa: E402

from tests import labvm  # noqa: E402
from tests.render.conftest import COMPOSE, schema_errors  # noqa: E402

APP, DB = "app-web", "app-db"
WEB, CRON, MIGRATE = "acme-odoo-web", "acme-odoo-cron", "acme-odoo-migrate"
# The app VM's memory limit (molecule.yml); the VM sees the host's CPUs.
MEMORY_MB = 4096
CREDENTIALS = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "credentials"


def vm(name: str = APP) -> testinfra.host.Host:
    return labvm.vm(name)


def address(name: str = APP) -> str:
    return labvm.address(name)


def plan() -> dict:
    cpus = float(vm().check_output("nproc"))
    inputs = {"cpus": cpus, "memory_mb": MEMORY_MB, "layout": "app", "odoo_version": "17.0"}
    return tenant_sizing.plan_host(inputs)


def sql(query: str, db: str = "acme") -> str:
    """SQL as the superuser inside the primary's container, over its socket."""
    return labvm.pg_sql(DB, query, db)


def request(
    path: str, method: str = "GET", body: bytes | None = None, port: int = 8069
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """From the lab host to the port published on the app VM's private address."""
    conn = http.client.HTTPConnection(address(), port, timeout=15)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def inspect(container: str, fmt: str) -> str:
    return vm().check_output(f"docker inspect -f '{fmt}' {container}")


def wait_healthy(container: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        status = inspect(container, "{{.State.Health.Status}}")
        if status == "healthy":
            return
        assert time.monotonic() < deadline, f"{container} is {status}"
        time.sleep(2)


def titles(container: str) -> list[str]:
    top = vm().check_output(f"docker top {container} -eo pid,args").splitlines()[1:]
    return [line.split(None, 1)[1] for line in top]


def test_migrate_ran_once_and_succeeded() -> None:
    assert inspect(MIGRATE, "{{.State.Status}} {{.State.ExitCode}}") == "exited 0"
    assert sql("SELECT state FROM ir_module_module WHERE name = 'base'") == "installed"
    assert sql("SELECT state FROM ir_module_module WHERE name = 'web'") == "installed"


def test_web_and_cron_are_healthy() -> None:
    wait_healthy(WEB)
    wait_healthy(CRON)


def test_web_runs_the_plans_workers_and_limits() -> None:
    p = plan()
    workers = p["odoo"]["web"]["workers"]["value"]
    web = titles(WEB)
    assert sum(t.startswith("odoo: WorkerHTTP") for t in web) == workers, web
    assert sum(" gevent " in f" {t} " for t in web) == 1, web
    assert not any("WorkerCron" in t for t in web), web
    for container, name in ((WEB, "odoo-web"), (CRON, "odoo-cron")):
        limits = p["containers"][name]
        memory = int(inspect(container, "{{.HostConfig.Memory}}"))
        assert memory == limits["memory_mb"]["value"] * 1024 * 1024
        nano = int(inspect(container, "{{.HostConfig.NanoCpus}}"))
        assert nano == round(limits["cpus"]["value"] * 1e9)


def test_cron_runs_the_plans_cron_workers_without_http() -> None:
    threads = plan()["odoo"]["cron"]["max_cron_threads"]["value"]
    cron = titles(CRON)
    assert sum(t.startswith("odoo: WorkerCron") for t in cron) == threads, cron
    assert not any("WorkerHTTP" in t or " gevent " in f" {t} " for t in cron), cron
    assert inspect(CRON, "{{.HostConfig.PortBindings}}") == "map[]"


def test_cron_writes_heartbeats() -> None:
    before = int(sql("SELECT count(*) FROM lab_cron_heartbeat"))
    deadline = time.monotonic() + 30
    while int(sql("SELECT count(*) FROM lab_cron_heartbeat")) <= before:
        assert time.monotonic() < deadline, "no cron heartbeat in 30 s"
        time.sleep(1)


def test_web_connects_over_tls_as_a_non_superuser() -> None:
    """A request holds a pooled connection in pg_sleep; PostgreSQL sees it from the app
    VM, as the Odoo role, over TLS. (Pooled connections stay open, idle, afterwards.)"""
    held = threading.Thread(target=request, args=("/lab/request?sleep=4",))
    held.start()
    query = (
        "SELECT a.usename, host(a.client_addr), s.ssl, r.rolsuper FROM pg_stat_activity a "
        "JOIN pg_stat_ssl s USING (pid) JOIN pg_roles r ON r.rolname = a.usename "
        "WHERE a.state = 'active' AND a.query LIKE 'SELECT pg_sleep%' "
        "AND a.pid <> pg_backend_pid()"
    )
    seen = ""
    deadline = time.monotonic() + 4
    while not seen and time.monotonic() < deadline:
        seen = sql(query)
        time.sleep(0.2)
    held.join()
    assert seen == f"odoo|{address()}|t|f", seen


def test_login_puts_the_session_in_redis_under_the_tenant_prefix() -> None:
    status, headers, _ = request("/web/login", "POST", b"login=admin&password=x")
    assert status == 303
    sid = headers["Set-Cookie"].split(";")[0].removeprefix("session_id=")
    password = (CREDENTIALS / "redis-acme").read_text().strip()
    out = vm().check_output(
        f"docker exec -e REDISCLI_AUTH={password} acme-redis redis-cli --no-auth-warning "
        f"--user acme exists session:acme:{sid}"
    )
    assert out == "1"


def test_health_on_both_ports_without_a_session() -> None:
    for port in (8069, 8072):
        status, headers, _ = request("/web/health", port=port)
        assert status == 200 and headers.get("Set-Cookie") is None


def test_database_manager_is_refused() -> None:
    for path in ("/web/database/manager", "/web/database/selector", "/web/database/list"):
        assert request(path)[0] == 404


def test_config_files_are_private() -> None:
    for conf in ("web", "cron"):
        f = vm().file(f"/opt/odoo-tenant/acme/odoo/conf/{conf}.conf")
        # The image's odoo user (uid/gid 101) reads it through the group.
        assert (f.user, f.gid, f.mode) == ("root", 101, 0o640)
    assert vm().file("/opt/odoo-tenant/acme/odoo/conf/secrets/session.env").mode == 0o600


def test_compose_file_passes_the_compose_specification() -> None:
    compose = vm().file("/opt/odoo-tenant/acme/odoo/compose.yml").content_string
    assert schema_errors(COMPOSE, yaml.safe_load(compose)) == []


def test_addons_are_checked_out_and_on_the_addons_path() -> None:
    manifest = "/mnt/addons/acme/acme_hello/__manifest__.py"
    assert vm().run(f"docker exec {WEB} test -f {manifest}").rc == 0
    # Read-only in the container: the repository is the source of truth.
    assert vm().run(f"docker exec {WEB} touch /mnt/addons/acme/x").rc != 0
    conf = vm().file("/opt/odoo-tenant/acme/odoo/conf/web.conf").content_string
    assert "addons_path = /mnt/extra-addons,/mnt/addons/acme\n" in conf
