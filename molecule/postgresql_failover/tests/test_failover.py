"""Failover with synchronous replication, run from the controller as an on-call engineer
would: rows committed on the primary, the primary's VM stopped, pgf-replica-1 promoted
with playbooks/postgresql_promote.yml, every committed row found on it, the old primary
rejoined with playbooks/postgresql_rejoin.yml after the inventory change the promote
playbook prints. The tests run in file order and build on each other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from lab import fleet
from tests.labvm import pg_sql as sql

ROOT = Path(__file__).resolve().parents[3]
OLD, NEW, OTHER = "pgf-primary", "pgf-replica-1", "pgf-replica-2"
ADDED = "pgf-replica-3"
EPHEMERAL = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent"))
DEFAULT_INVENTORY = EPHEMERAL / "inventory" / "ansible_inventory.yml"
INVENTORY = Path(os.environ.get("MOLECULE_INVENTORY_FILE", str(DEFAULT_INVENTORY)))
ROWS = 200
STATE: dict[str, object] = {}


def slot(host: str) -> str:
    return host.replace("-", "_")


def wait_for(name: str, query: str, expected: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            got = sql(name, query)
        except AssertionError as exc:
            got = f"error: {exc}"
        if got == expected:
            return
        assert time.monotonic() < deadline, f"{name}: {query!r} gave {got!r}, not {expected!r}"
        time.sleep(1)


def wait_for_boot(name: str, timeout: float = 120) -> None:
    """Wait for the VM's systemd to finish booting. Right after `docker start`, systemd
    may not answer on its bus yet ("Failed to connect to bus"): ask again until it does."""
    deadline = time.monotonic() + timeout
    while True:
        boot = subprocess.run(
            ["docker", "exec", name, "systemctl", "is-system-running", "--wait"],
            capture_output=True,
            text=True,
            check=False,
        )
        state = boot.stdout.strip()
        if state in ("running", "degraded"):
            return
        assert time.monotonic() < deadline, f"{name} did not boot: {state!r} {boot.stderr!r}"
        time.sleep(2)


def task_output(out: str, title: str) -> str:
    """The lines a playbook printed for the task whose name starts with title."""
    section = out[out.index(f"TASK [{title}") :]
    return section[: section.index("TASK [", 1)]


def playbook(
    name: str, inventory: Path, *extra: str, expect_rc: int = 0, root: Path = ROOT / "playbooks"
) -> subprocess.CompletedProcess[str]:
    # Molecule forces colour; the assertions read the messages as plain text.
    env = {**os.environ, "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1"}
    cfg = EPHEMERAL / "ansible.cfg"
    if cfg.exists():
        env["ANSIBLE_CONFIG"] = str(cfg)
    proc = subprocess.run(
        ["ansible-playbook", "-i", str(inventory), str(root / name), *extra],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    tail = f"{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    assert proc.returncode == expect_rc, f"{name}: rc {proc.returncode}:\n{tail}"
    return proc


def test_commits_wait_for_a_synchronous_standby() -> None:
    assert sql(OLD, "SHOW synchronous_standby_names").startswith("ANY 1 (")
    rows = sql(OLD, "SELECT application_name, sync_state FROM pg_stat_replication ORDER BY 1")
    assert rows.splitlines() == [f"{slot(NEW)}|quorum", f"{slot(OTHER)}|quorum"]


def test_committed_rows_survive_losing_the_primary_vm() -> None:
    sql(OLD, "CREATE TABLE IF NOT EXISTS failover_rows (id int PRIMARY KEY)")
    # One transaction per row: each COMMIT returned only once a standby had flushed it.
    for first in range(0, ROWS, 50):
        statements = "".join(
            f"INSERT INTO failover_rows VALUES ({i});" for i in range(first, first + 50)
        )
        sql(OLD, statements)
    committed = sql(OLD, "SELECT count(*) FROM failover_rows")
    assert committed == str(ROWS)

    subprocess.run(["docker", "stop", OLD], check=True, capture_output=True)
    out = playbook("postgresql_promote.yml", INVENTORY, "-e", f"postgresql_new_primary={NEW}")
    STATE["promote_output"] = out.stdout

    assert sql(NEW, "SELECT pg_is_in_recovery()") == "f"
    assert sql(NEW, "SELECT count(*) FROM failover_rows") == committed
    # The new primary takes writes, and the remaining replica (a sync standby) acknowledges.
    sql(NEW, f"INSERT INTO failover_rows VALUES ({ROWS})")


def test_remaining_replica_follows_the_new_primary() -> None:
    wait_for(
        NEW,
        f"SELECT state FROM pg_stat_replication WHERE application_name = '{slot(OTHER)}'",
        "streaming",
    )
    wait_for(OTHER, f"SELECT count(*) FROM failover_rows WHERE id = {ROWS}", "1")


def test_promote_prints_the_inventory_change() -> None:
    # The callback wraps long messages: compare with whitespace collapsed.
    text = " ".join(str(STATE.get("promote_output", "")).split())
    assert f"postgres_primary: [{NEW}]" in text, text[-3000:]
    assert f"postgres_replicas: [{OLD}, {OTHER}]" in text, text[-3000:]


@pytest.fixture(scope="module")
def new_inventory() -> Path:
    """The molecule inventory with the change the promote playbook asked for."""
    target = EPHEMERAL / "inventory-after-failover"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(INVENTORY.parent, target)
    path = target / INVENTORY.name
    inv = yaml.safe_load(path.read_text())
    hosts = {**inv["postgres_primary"]["hosts"], **inv["postgres_replicas"]["hosts"]}
    inv["postgres_primary"]["hosts"] = {NEW: hosts[NEW]}
    inv["postgres_replicas"]["hosts"] = {OLD: hosts[OLD], OTHER: hosts[OTHER]}
    path.write_text(yaml.safe_dump(inv))
    return path


def test_stale_inventory_is_refused_before_the_old_primary_starts() -> None:
    # The old primary's VM comes back; its container restarts as a primary on the old
    # timeline (nothing points at it any more). Re-running the deploy with the
    # inventory not yet changed must stop before touching any container.
    subprocess.run(["docker", "start", OLD], check=True, capture_output=True)
    wait_for_boot(OLD)
    proc = playbook("postgresql.yml", INVENTORY, expect_rc=2)
    refusal = f"{NEW} is in postgres_replicas but runs as a primary"
    # The yaml callback wraps long messages: compare with whitespace collapsed.
    output = " ".join((proc.stdout + proc.stderr).split())
    assert refusal in output, output[-3000:]
    assert sql(NEW, "SELECT pg_is_in_recovery()") == "f"


def test_old_primary_rejoins_as_a_replica(new_inventory: Path) -> None:
    out = playbook("postgresql_rejoin.yml", new_inventory).stdout
    # pg_rewind itself worked: the base-backup fallback (wipe and re-seed) did not run.
    assert f"changed: [{OLD}]" in task_output(out, "Rewind its data")
    assert f"skipping: [{OLD}]" in task_output(out, "Wipe the data directory")
    assert sql(OLD, "SELECT pg_is_in_recovery()") == "t"
    wait_for(
        NEW,
        "SELECT string_agg(application_name || ':' || state, ',' ORDER BY application_name) "
        "FROM pg_stat_replication",
        f"{slot(OLD)}:streaming,{slot(OTHER)}:streaming",
    )
    slots = sql(NEW, "SELECT slot_name, active FROM pg_replication_slots ORDER BY 1")
    assert slots.splitlines() == [f"{slot(OLD)}|t", f"{slot(OTHER)}|t"]
    # The rewound node has every row, including the one written after the failover,
    # and no slot of its own left from its time as primary.
    wait_for(OLD, "SELECT count(*) FROM failover_rows", str(ROWS + 1))
    assert sql(OLD, "SELECT count(*) FROM pg_replication_slots") == "0"


def test_rejoin_is_safe_to_rerun(new_inventory: Path) -> None:
    out = playbook("postgresql_rejoin.yml", new_inventory).stdout
    rewind = task_output(out, "Rewind its data")
    assert "changed:" not in rewind, rewind
    assert sql(OLD, "SELECT pg_is_in_recovery()") == "t"


@pytest.fixture()
def added_replica(new_inventory: Path) -> Iterator[Path]:
    """A fourth lab VM, started as molecule starts the others, added to postgres_replicas
    of a copy of the post-failover inventory. Removed afterwards (molecule does not
    know it)."""
    subprocess.run(
        [
            "docker", "run", "-d", "--name", ADDED, "--hostname", ADDED,
            "--network", os.environ.get("LAB_NETWORK", "lab-molecule"), "--memory", "2g",
            *fleet.VM_RUN_FLAGS, os.environ["LAB_VM_IMAGE"],
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    try:
        wait_for_boot(ADDED)
        path = new_inventory.parent / "added-replica.yml"
        inv = yaml.safe_load(new_inventory.read_text())
        inv["postgres_replicas"]["hosts"][ADDED] = dict(inv["postgres_replicas"]["hosts"][OTHER])
        inv["all"]["hosts"][ADDED] = dict(inv["all"]["hosts"][OTHER])
        path.write_text(yaml.safe_dump(inv))
        yield path
    finally:
        subprocess.run(["docker", "rm", "-f", "-v", ADDED], check=False, capture_output=True)


def test_a_replica_is_added_by_listing_it_and_re_running(added_replica: Path) -> None:
    # The scenario's own converge (docker role, then playbooks/postgresql.yml): what
    # an engineer re-runs after adding the host to the inventory.
    playbook("converge.yml", added_replica, root=Path(__file__).resolve().parents[1])
    assert sql(ADDED, "SELECT pg_is_in_recovery()") == "t"
    wait_for(
        NEW,
        f"SELECT state FROM pg_stat_replication WHERE application_name = '{slot(ADDED)}'",
        "streaming",
    )
    wait_for(ADDED, "SELECT count(*) FROM failover_rows", str(ROWS + 1))
    # The replicas that were there keep streaming: nothing re-seeded them.
    assert sql(NEW, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == "3"
