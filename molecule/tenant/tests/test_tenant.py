"""The tenant end to end, from outside: Odoo answers on its published port, a login
works (its session in Redis), cron writes heartbeats to the primary, and a row the
application writes on the primary is read back from the streaming replica."""

from __future__ import annotations

import http.client
import json
import os
import shlex
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from tests.labvm import address, vm
from tests.labvm import pg_sql as sql

APP, PRIMARY, REPLICA = "tenant-app", "tenant-db1", "tenant-db2"
CREDENTIALS = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "credentials"


def request(path: str, method: str = "GET", body: bytes | None = None):
    """From the lab host to Odoo's port published on the app VM's private address."""
    conn = http.client.HTTPConnection(address(APP), 8069, timeout=15)
    try:
        conn.request(method, path, body=body)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def eventually(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} within {timeout:.0f} s"
        time.sleep(1)


def test_every_container_is_healthy() -> None:
    expected = {
        APP: ("acme-odoo-web", "acme-odoo-cron", "acme-redis"),
        PRIMARY: ("acme-postgresql",),
        REPLICA: ("acme-postgresql",),
    }
    for host, containers in expected.items():
        for container in containers:
            eventually(
                lambda h=host, c=container: (
                    vm(h).check_output(f"docker inspect -f '{{{{.State.Health.Status}}}}' {c}")
                    == "healthy"
                ),
                180,
                f"{container} on {host} healthy",
            )


def test_health_through_the_published_web_port() -> None:
    status, headers, _ = request("/web/health")
    assert status == 200
    assert headers.get("Set-Cookie") is None  # health creates no session


def test_login_sets_a_session_kept_in_redis() -> None:
    status, headers, _ = request("/web/login", "POST", b"login=admin&password=x")
    assert status == 303
    sid = headers["Set-Cookie"].split(";")[0].removeprefix("session_id=")
    password = (CREDENTIALS / "redis-acme").read_text().strip()
    exists = vm(APP).check_output(
        f"docker exec -e REDISCLI_AUTH={shlex.quote(password)} acme-redis redis-cli"
        f" --no-auth-warning --user acme exists session:acme:{sid}"
    )
    assert exists == "1"


def test_cron_writes_heartbeats_on_the_primary() -> None:
    before = int(sql(PRIMARY, "SELECT count(*) FROM lab_cron_heartbeat"))
    eventually(
        lambda: int(sql(PRIMARY, "SELECT count(*) FROM lab_cron_heartbeat")) > before,
        60,
        "a new cron heartbeat",
    )


def test_replica_streams_from_the_primary() -> None:
    assert sql(REPLICA, "SELECT pg_is_in_recovery()") == "t"
    states = sql(PRIMARY, "SELECT application_name, state FROM pg_stat_replication")
    assert "tenant_db2|streaming" in states.splitlines(), states


def test_a_row_the_app_writes_is_visible_on_the_replica() -> None:
    name = f"tenant-check-{uuid.uuid4().hex}"
    status, _, body = request(
        f"/web/binary/upload_attachment?name={name}", "POST", b"written through Odoo"
    )
    assert status == 200, body
    row_id = json.loads(body)["id"]
    assert sql(PRIMARY, f"SELECT name FROM ir_attachment WHERE id = {row_id}") == name
    eventually(
        lambda: sql(REPLICA, f"SELECT name FROM ir_attachment WHERE id = {row_id}") == name,
        30,
        "the row on the replica",
    )
