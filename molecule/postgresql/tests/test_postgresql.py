"""A primary and two replicas, checked from the outside: replication streams over TLS,
data flows, replicas are read-only, only the tenant's hosts get in, and the server
runs the sizing engine's settings."""

from __future__ import annotations

import json
import os
import re
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins" / "module_utils")]
import tenant_sizing  # noqa: E402

from tests.labvm import address, vm  # noqa: E402
from tests.labvm import pg_sql as sql  # noqa: E402
from tests.pgsettings import mismatch  # noqa: E402

PRIMARY, REPLICAS = "pg-primary", ["pg-replica-1", "pg-replica-2"]
PROJECT = "/opt/odoo-tenant/acme/postgresql"
IMAGE = "labreg:5000/library/postgres:17"
CREDENTIALS = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "credentials"


def client(from_vm: str, conninfo: str, password: str | None) -> tuple[int, str]:
    """psql from another VM, as Odoo would connect (a container on that VM)."""
    env = f"-e PGPASSWORD='{password}' " if password is not None else ""
    cmd = (
        f"docker run --rm {env}-v {PROJECT}/conf/tls/ca.crt:/ca.crt:ro {IMAGE} "
        f'psql -X -At -w "{conninfo}" '
        "-c 'select ssl from pg_stat_ssl where pid = pg_backend_pid()'"
    )
    out = vm(from_vm).run(cmd)
    return out.rc, (out.stdout + out.stderr).strip()


def test_two_replicas_stream_with_their_slots() -> None:
    rows = sql(
        PRIMARY,
        "SELECT r.application_name, r.state, s.ssl FROM pg_stat_replication r "
        "JOIN pg_stat_ssl s USING (pid) ORDER BY 1",
    ).splitlines()
    assert rows == ["pg_replica_1|streaming|t", "pg_replica_2|streaming|t"]
    slots = sql(PRIMARY, "SELECT slot_name, active FROM pg_replication_slots ORDER BY 1")
    assert slots.splitlines() == ["pg_replica_1|t", "pg_replica_2|t"]


def test_row_written_on_primary_is_on_both_replicas() -> None:
    marker = uuid.uuid4().hex
    sql(PRIMARY, "CREATE TABLE IF NOT EXISTS verify_marker (v text)")
    sql(PRIMARY, f"INSERT INTO verify_marker VALUES ('{marker}')")
    for replica in REPLICAS:
        deadline = time.monotonic() + 30
        while sql(replica, f"SELECT count(*) FROM verify_marker WHERE v = '{marker}'") != "1":
            assert time.monotonic() < deadline, f"{replica} never received the row"
            time.sleep(0.5)


@pytest.mark.parametrize("replica", REPLICAS)
def test_replicas_refuse_writes(replica: str) -> None:
    assert sql(replica, "SELECT pg_is_in_recovery()") == "t"
    out = vm(replica).run(
        "docker exec acme-postgresql psql -h /var/run/postgresql -U postgres -d acme "
        "-c 'CREATE TABLE nope (i int)'"
    )
    assert out.rc != 0


def odoo_password() -> str:
    return (CREDENTIALS / "odoo").read_text().strip()


def conninfo(sslmode: str) -> str:
    return f"host={address(PRIMARY)} dbname=acme user=odoo sslmode={sslmode} sslrootcert=/ca.crt"


def test_allowed_client_with_tls_and_password_gets_in() -> None:
    # The positive control: pg-replica-2 is listed in postgresql_odoo_client_addresses.
    rc, out = client("pg-replica-2", conninfo("verify-full"), odoo_password())
    assert rc == 0 and out == "t", out


def test_allowed_client_without_tls_is_rejected() -> None:
    rc, out = client("pg-replica-2", conninfo("disable"), odoo_password())
    assert rc != 0 and "no pg_hba.conf entry" in out and "no encryption" in out, out


def test_allowed_client_without_password_is_rejected() -> None:
    rc, out = client("pg-replica-2", conninfo("verify-full"), None)
    assert rc != 0 and re.search(r"password|authentication", out), out


def test_client_from_other_address_is_rejected() -> None:
    rc, out = client("pg-replica-1", conninfo("verify-full"), odoo_password())
    assert rc != 0 and "no pg_hba.conf entry" in out, out


def test_odoo_role_is_not_superuser() -> None:
    assert sql(PRIMARY, "SELECT rolsuper, rolcreatedb FROM pg_roles WHERE rolname='odoo'") == "f|f"


@pytest.mark.parametrize("name", [PRIMARY, *REPLICAS])
def test_settings_are_the_sizing_engines(name: str) -> None:
    # Recompute the plan from the inputs the role recorded, with the engine itself.
    def plan_of(host: str) -> dict:
        conf = vm(host).file(f"{PROJECT}/conf/postgresql.conf").content_string
        inputs = json.loads(re.search(r"^# Sizing inputs: (.*)$", conf, re.M).group(1))
        return tenant_sizing.plan_host(inputs)

    settings = plan_of(name)["postgresql"]["settings"]
    # Standby-bounded settings are the cluster's highest planned value.
    for bounded in ("max_connections", "max_worker_processes", "max_wal_senders"):
        values = [
            int(plan_of(h)["postgresql"]["settings"][bounded]["value"])
            for h in (PRIMARY, *REPLICAS)
        ]
        settings[bounded] = {"value": str(max(values))}
    names = ",".join(f"'{n}'" for n in settings)
    rows = sql(
        name,
        "SELECT name, setting, coalesce(unit, ''), vartype FROM pg_settings "
        f"WHERE name IN ({names})",
    ).splitlines()
    actual = {r.split("|")[0]: r.split("|")[1:] for r in rows}
    assert set(actual) == set(settings)
    problems = [
        mismatch(n, str(e["value"]), actual[n][0], actual[n][1] or None, actual[n][2])
        for n, e in settings.items()
    ]
    assert [p for p in problems if p] == []
    assert sql(name, "SELECT count(*) FROM pg_settings WHERE pending_restart") == "0"


def test_secrets_are_not_world_readable() -> None:
    host = vm(PRIMARY)
    for path in ("conf/secrets/superuser", "conf/secrets/pgpass", "conf/tls/server.key"):
        assert not host.file(f"{PROJECT}/{path}").mode & 0o077, path
    for path in CREDENTIALS.iterdir():
        assert not path.stat().st_mode & 0o077, path
