"""Helpers the Molecule verifiers share: a lab VM by name, its lab-network address, and
SQL as the superuser inside its PostgreSQL container. Every scenario's tenant is acme."""

from __future__ import annotations

import shlex

import testinfra

PG_PROJECT = "/opt/odoo-tenant/acme/postgresql"


def vm(name: str) -> testinfra.host.Host:
    return testinfra.get_host(f"docker://{name}")


def address(name: str) -> str:
    # eth0 is the lab network; `hostname -I` may list the VM's own docker0 first.
    return vm(name).check_output("ip -4 -o addr show dev eth0").split()[3].split("/")[0]


def pg_sql(name: str, query: str, db: str = "acme") -> str:
    """Run SQL as the superuser inside the VM's PostgreSQL container, over its socket.
    ON_ERROR_STOP: a multi-statement query fails as a whole, not only on its last one."""
    host = vm(name)
    password = host.file(f"{PG_PROJECT}/conf/secrets/superuser").content_string.strip()
    out = host.run(
        f"docker exec -e PGPASSWORD={shlex.quote(password)} acme-postgresql psql -X -At -F '|' "
        f"-v ON_ERROR_STOP=1 -h /var/run/postgresql -U postgres -d {db} -c {shlex.quote(query)}"
    )
    assert out.rc == 0, out.stderr
    return out.stdout.strip()
