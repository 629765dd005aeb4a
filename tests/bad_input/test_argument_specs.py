"""Bad inventory values stop site.yml in preflight, naming the variable, before any
host is contacted or changed."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, run_ansible_playbook

INVENTORY = str(ROOT / "tests" / "bad_input" / "inventory.yml")


@pytest.mark.parametrize(
    ("var", "value", "choices"),
    [
        ("docker_install_source", "snap", "debian, upstream"),
        ("base_time_sync", "ntpd", "timesyncd, chrony, none"),
        ("base_transparent_hugepages", "sometimes", "never, madvise, always, unchanged"),
        ("docker_log_driver", "syslog", "json-file, local, journald"),
    ],
)
def test_unknown_choice_fails_in_preflight(var: str, value: str, choices: str) -> None:
    proc = run_ansible_playbook("-i", INVENTORY, "playbooks/site.yml", "-e", f"{var}={value}")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    # One message names the variable, the bad value and what would be accepted.
    flat = " ".join(out.split())
    assert f"value of {var} must be one of: {choices}, got: {value}" in flat, out
    assert "Invalid inventory, nothing was changed." in flat
    # Only preflight tasks ran: no role task, no fact gathering, no host contacted.
    tasks = re.findall(r"TASK \[([^\]]+)\]", out)
    assert tasks and all(t.startswith("preflight : ") for t in tasks), tasks
    assert re.search(r"tenant-vm\s+: ok=1\s+changed=0\s+unreachable=0\s+failed=1", out), out


def test_wrong_type_fails_in_preflight() -> None:
    proc = run_ansible_playbook(
        "-i",
        INVENTORY,
        "playbooks/site.yml",
        "-e",
        '{"docker_default_address_pools": [{"base": "10.0.0.0/8"}]}',
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    flat = " ".join(out.split())
    assert "missing required arguments: size found in docker_default_address_pools" in flat, out
    assert "changed=0" in out


def test_good_values_pass_preflight() -> None:
    # The control: valid values get past validation (and only then fail to connect).
    proc = run_ansible_playbook(
        "-i",
        INVENTORY,
        "playbooks/preflight.yml",
        "-e",
        # Inventory validation only: the host checks would (rightly) find it unreachable.
        "docker_install_source=upstream base_time_sync=chrony preflight_host_checks=false",
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert re.search(r"tenant-vm\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0", out), out
