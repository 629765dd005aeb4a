#!/usr/bin/env python3
"""The odoo role's one-shot `migrate` service (runs inside the Odoo image).

Compose starts it before web and cron on every `up`, so it must cost nothing when
there is nothing to do: it reads odoo.conf, asks PostgreSQL which of the wanted
modules are installed, and runs `odoo -i <missing> --stop-after-init` only for those
(the whole list, with base, on an empty database). With `--update a,b` (the role's
update-on-request run) it runs `odoo -u a,b --stop-after-init` instead. It never
uninstalls or drops anything. Exits non-zero when Odoo does, so web and cron
(depends_on: service_completed_successfully) do not start on a failed migration.
"""

from __future__ import annotations

import configparser
import os
import sys
import time

import psycopg2

CONF = os.environ.get("ODOO_RC", "/etc/odoo/odoo.conf")
# How long to wait for PostgreSQL (the official entrypoint's wait-for-psql waits 30 s;
# a primary that is restarting may need longer).
WAIT_SECONDS = 120


def options() -> dict[str, str]:
    parser = configparser.RawConfigParser()
    parser.read(CONF)
    return dict(parser.items("options"))


def connect(opts: dict[str, str]) -> psycopg2.extensions.connection:
    """As Odoo connects: odoo.conf's db_* options; the CA from PGSSLROOTCERT."""
    dsn = {
        "dbname": opts["db_name"],
        "host": opts.get("db_host"),
        "port": opts.get("db_port"),
        "user": opts.get("db_user"),
        "password": opts.get("db_password"),
        "sslmode": opts.get("db_sslmode", "prefer"),
        "application_name": "odoo-tenant-migrate",
    }
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return psycopg2.connect(**{k: v for k, v in dsn.items() if v})
        except psycopg2.OperationalError as exc:
            if time.monotonic() > deadline:
                raise
            print(f"migrate: waiting for PostgreSQL: {exc}".strip(), file=sys.stderr)
            time.sleep(2)


def missing_modules(opts: dict[str, str], wanted: list[str]) -> list[str]:
    """Wanted modules not installed yet; every one (and base) on an empty database."""
    conn = connect(opts)
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT 1 FROM pg_class WHERE relname = 'ir_module_module'")
            if not cr.fetchone():
                return ["base", *(m for m in wanted if m != "base")]
            cr.execute(
                "SELECT name FROM ir_module_module WHERE state = 'installed' AND name = ANY(%s)",
                (wanted,),
            )
            installed = {row[0] for row in cr.fetchall()}
    finally:
        conn.close()  # before exec: Odoo opens its own connections
    return [m for m in wanted if m not in installed]


def main(argv: list[str]) -> None:
    opts = options()
    odoo = ["odoo", "--config", CONF, "--database", opts["db_name"], "--stop-after-init"]
    if argv[:1] == ["--update"] and len(argv) == 2:
        print(f"migrate: updating {argv[1]}", file=sys.stderr)
        os.execvp("odoo", [*odoo, "--update", argv[1]])
    wanted = [m for m in os.environ.get("ODOO_TENANT_INSTALL", "base").split(",") if m]
    missing = missing_modules(opts, wanted)
    if not missing:
        print("migrate: every wanted module is installed; nothing to do", file=sys.stderr)
        return
    print(f"migrate: installing {','.join(missing)}", file=sys.stderr)
    os.execvp("odoo", [*odoo, "--init", ",".join(missing)])


if __name__ == "__main__":
    main(sys.argv[1:])
