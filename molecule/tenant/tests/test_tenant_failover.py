"""After the end-to-end checks (test_tenant.py runs first): the primary's VM dies and
the on-call engineer promotes the replica with playbooks/postgresql_promote.yml. Odoo
must follow: its odoo.conf names the new primary, web and cron come back healthy, its
connections to the new primary use TLS, and a row written through Odoo lands there."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

from test_tenant import APP, PRIMARY, REPLICA, address, eventually, request, sql, vm

ROOT = Path(__file__).resolve().parents[3]
EPHEMERAL = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent"))
INVENTORY = os.environ.get(
    "MOLECULE_INVENTORY_FILE", str(EPHEMERAL / "inventory" / "ansible_inventory.yml")
)


def promote(new: str) -> str:
    env = {**os.environ, "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1"}
    if (EPHEMERAL / "ansible.cfg").exists():
        env["ANSIBLE_CONFIG"] = str(EPHEMERAL / "ansible.cfg")
    proc = subprocess.run(
        [
            "ansible-playbook",
            "-i",
            INVENTORY,
            str(ROOT / "playbooks" / "postgresql_promote.yml"),
            "-e",
            f"postgresql_new_primary={new}",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, f"{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    return proc.stdout


def test_promote_repoints_odoo_at_the_new_primary() -> None:
    subprocess.run(["docker", "stop", PRIMARY], check=True, capture_output=True)
    promote(REPLICA)
    assert sql(REPLICA, "SELECT pg_is_in_recovery()") == "f"
    conf = vm(APP).check_output("cat /opt/odoo-tenant/acme/odoo/conf/web.conf")
    assert f"db_host = {address(REPLICA)}" in conf.splitlines()
    for container in ("acme-odoo-web", "acme-odoo-cron"):
        eventually(
            lambda c=container: (
                vm(APP).check_output(f"docker inspect -f '{{{{.State.Health.Status}}}}' {c}")
                == "healthy"
            ),
            180,
            f"{container} healthy after the failover",
        )


def test_odoo_writes_land_on_the_new_primary_over_tls() -> None:
    name = f"after-failover-{uuid.uuid4().hex}"
    status, _, body = eventually(
        lambda: (
            (r := request(f"/web/binary/upload_attachment?name={name}", "POST", b"x"))[0] == 200
            and r
        ),
        60,
        "an upload through Odoo after the failover",
    )
    assert status == 200, body
    row_id = json.loads(body)["id"]
    assert sql(REPLICA, f"SELECT name FROM ir_attachment WHERE id = {row_id}") == name
    tls = sql(
        REPLICA,
        "SELECT count(*) FILTER (WHERE NOT s.ssl), count(*) FROM pg_stat_activity a "
        "JOIN pg_stat_ssl s USING (pid) WHERE a.usename = 'odoo'",
    )
    plain, total = (int(n) for n in tls.split("|"))
    assert total > 0 and plain == 0, tls
