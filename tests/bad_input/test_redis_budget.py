"""A Redis budget Redis cannot work with stops the run, naming the variable, before any
host is contacted: its type in preflight (the redis role's argument specs, for the
whole inventory), its minimum in the redis role's first task, which reads only
variables."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT, run_ansible_playbook

INVENTORIES = ROOT / "tests" / "bad_input" / "inventories"


def run(playbook: str | Path, inventory: str) -> tuple[int, str]:
    proc = run_ansible_playbook("-i", str(INVENTORIES / f"{inventory}.yml"), str(playbook))
    return proc.returncode, " ".join((proc.stdout + proc.stderr).split())


def redis_play(tmp_path: Path) -> Path:
    """site.yml's preflight and redis plays alone (the plays before them would contact
    the hosts first). Facts are gathered by the role, after its checks."""
    playbook = tmp_path / "redis.yml"
    playbook.write_text(
        f"""---
- name: Preflight
  ansible.builtin.import_playbook: {ROOT}/playbooks/preflight.yml

- name: Redis
  hosts: redis
  become: true
  gather_facts: false
  roles:
    - role: redis
"""
    )
    return playbook


def tasks_of(out: str) -> list[str]:
    return re.findall(r"TASK \[([^\]]+)\]", out)


def test_budget_of_the_wrong_type_stops_site_in_preflight() -> None:
    rc, out = run("playbooks/site.yml", "redis_budget_not_a_number")
    assert rc != 0
    assert "Invalid inventory, nothing was changed." in out, out
    assert "Role redis: argument 'redis_maxmemory_mb' is of type str" in out, out
    tasks = tasks_of(out)
    assert tasks and all(t.startswith("preflight : ") for t in tasks), tasks
    assert "changed=0" in out and "unreachable=0" in out, out


def test_budget_below_its_minimum_stops_before_any_host_is_contacted(tmp_path: Path) -> None:
    rc, out = run(redis_play(tmp_path), "redis_budget_too_small")
    assert rc != 0
    assert (
        "Invalid inventory, nothing was changed. redis_maxmemory_mb=32 is below the minimum "
        "of 64 (MiB)" in out
    ), out
    tasks = tasks_of(out)
    assert tasks and all(
        t.startswith("preflight : ")
        or t.startswith("redis : Validating arguments")
        or t == "redis : Refuse a Redis budget below its minimum"
        for t in tasks
    ), tasks
    assert "UNREACHABLE" not in out, out
    assert "changed=0" in out and "unreachable=0" in out, out


def test_budget_at_or_above_its_minimum_passes_the_checks(tmp_path: Path) -> None:
    # The control: the same plays let a sound budget through, to the first task that
    # contacts the host (which fails: the host does not exist).
    rc, out = run(redis_play(tmp_path), "redis_budget_ok")
    assert rc != 0
    assert "Invalid inventory" not in out, out
    assert "UNREACHABLE" in out, out
