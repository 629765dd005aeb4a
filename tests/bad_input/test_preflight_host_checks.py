"""Preflight's host checks: a host that cannot be reached, or is too small for its
part of the tenant, stops the run in preflight with one message, nothing changed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, run_ansible_playbook

INVENTORY = str(ROOT / "tests" / "bad_input" / "inventory.yml")


def test_unreachable_host_stops_preflight():
    proc = run_ansible_playbook("-i", INVENTORY, "playbooks/preflight.yml")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    tasks = re.findall(r"TASK \[([^\]]+)\]", out)
    assert tasks[-1] == "preflight : Reach each host", tasks
    assert re.search(r"tenant-vm\s+: ok=\d+\s+changed=0\s+unreachable=1", out), out


@pytest.mark.lab
def test_host_too_small_for_an_app_host_stops_preflight(lab_env, tmp_path):
    fleet = "hostcheck-small"
    lab = str(Path(sys.executable).parent / "lab")
    # 2 GiB: the sizing core needs about 3.2 GiB for Odoo's two HTTP workers.
    up = subprocess.run(
        [lab, "up", fleet, "--vms", "1", "--memory", "2g"], capture_output=True, text=True
    )
    try:
        assert up.returncode == 0, up.stderr
        generated = yaml.safe_load(Path(up.stdout.strip()).read_text())
        lab_group = generated["all"]["children"]["lab"]
        inventory = tmp_path / "hosts.yml"
        inventory.write_text(
            yaml.safe_dump(
                {
                    "all": {
                        "vars": {**lab_group["vars"], "tenant_name": "acme"},
                        "children": {"odoo_app": {"hosts": {f"{fleet}-1": {}}}},
                    }
                }
            )
        )
        proc = run_ansible_playbook("-i", str(inventory), "playbooks/preflight.yml")
        out = " ".join((proc.stdout + proc.stderr).split())
        assert proc.returncode != 0, out
        assert f"Host check failed, nothing was changed. {fleet}-1 (2.0 CPUs, 2048 MiB" in out
        assert "memory_mb=2048 is too small for layout app" in out, out
        assert "changed=0" in out
    finally:
        subprocess.run([lab, "down", fleet], capture_output=True, check=False)
