"""A PostgreSQL topology PostgreSQL cannot run stops site.yml in preflight, before any
host is contacted, with one line saying what is wrong and how to fix it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, run_ansible_playbook

INVENTORIES = ROOT / "tests" / "bad_input" / "inventories"


def site(inventory: str) -> tuple[int, str]:
    proc = run_ansible_playbook("-i", str(INVENTORIES / f"{inventory}.yml"), "playbooks/site.yml")
    return proc.returncode, " ".join((proc.stdout + proc.stderr).split())


@pytest.mark.parametrize(
    ("inventory", "message"),
    [
        (
            "replica_without_primary",
            "postgres_primary must hold exactly one host; it holds 0 (none). The replicas db-2 "
            "need a primary to stream from: add one host to postgres_primary.",
        ),
        (
            "two_primaries",
            "postgres_primary must hold exactly one host; it holds 2 (db-1, db-2). Keep one host",
        ),
        ("primary_and_replica", "db-1 is in both postgres_primary and postgres_replicas"),
        (
            "mixed_majors",
            "postgresql_version must be the same on every database host (streaming replication "
            "needs one major); found {'db-1': 16, 'db-2': 17}",
        ),
    ],
)
def test_bad_topology_stops_in_preflight(inventory: str, message: str) -> None:
    rc, out = site(inventory)
    assert rc != 0
    assert "Invalid inventory, nothing was changed." in out, out
    assert message in out, out
    tasks = re.findall(r"TASK \[([^\]]+)\]", out)
    assert tasks and all(t.startswith("preflight : ") for t in tasks), tasks
    assert "changed=0" in out and "unreachable=0" in out, out


def test_good_topology_passes_preflight() -> None:
    # The control: the same checks let a sound topology through (to the first
    # connection, which fails because the hosts do not exist).
    rc, out = site("good_topology")
    assert rc != 0
    assert "Invalid inventory" not in out, out
    assert "UNREACHABLE" in out, out
