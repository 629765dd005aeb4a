"""tenantctl through ansible-runner against real lab VMs: plan reads facts and prints
each role's plan, deploy shows progress and a per-host summary, keeps the run's
artifacts and exits non-zero when a host fails, status reports every host."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FLEET = "tenantctl-lab"
CUSTOMER = "tctllab"
BIN = Path(sys.executable).parent


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]], capture_output=True, text=True, env=env, cwd=ROOT
    )


@pytest.fixture(scope="module")
def tenant(lab_env, tmp_path_factory):
    work = tmp_path_factory.mktemp("tenantctl")
    env = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "TENANTCTL_INVENTORIES": str(work / "inventories"),
        "TENANTCTL_VAULT_PASSWORD_FILE": str(work / "vault-password"),
        "HOME": str(work / "home"),
    }
    # Bare VMs (no Docker yet): 4 GiB each, the app host's plan needs about 3.2 GiB.
    up = run("lab", "up", FLEET, "--vms", "3", "--memory", "4g", env=env)
    try:
        assert up.returncode == 0, up.stderr
        new = run("tenantctl", "new", CUSTOMER, "--hosts-from", up.stdout.strip(), env=env)
        assert new.returncode == 0, new.stderr
        yield env
    finally:
        run("lab", "down", FLEET, env=env)


@pytest.mark.lab
def test_plan_prints_each_hosts_plan_and_changes_nothing(tenant):
    proc = run("tenantctl", "plan", CUSTOMER, env=tenant)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert f"##### {FLEET}-1: " in out and "== odoo: odoo-web options ==" in out
    assert f"##### {FLEET}-2: " in out and "postgresql.conf ==" in out and "layout db" in out
    assert "== redis ==" in out
    # Check mode, read-only tasks: the run reports no change on any host.
    assert "PLAY Report the plans" in proc.stderr


@pytest.mark.lab
def test_deploy_shows_progress_summary_and_keeps_artifacts(tenant):
    proc = run(
        "tenantctl", "deploy", CUSTOMER, "--tags", "base", "--limit", f"{FLEET}-1", env=tenant
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "PLAY Preflight checks" in proc.stderr and "PLAY Base system" in proc.stderr
    assert "Base system | Install base packages" in proc.stderr
    rows = [line.split() for line in proc.stdout.splitlines() if line.startswith(f"{FLEET}-")]
    assert [r[0] for r in rows] == [f"{FLEET}-1"]
    assert int(rows[0][2]) > 0  # changed: a bare VM gets the base packages
    artifacts = Path(proc.stdout.rsplit("artifacts: ", 1)[1].strip())
    assert (artifacts / "job_events").is_dir() and (artifacts / "rc").read_text() == "0"
    assert oct(artifacts.parent.parent.stat().st_mode & 0o777) == "0o700"


@pytest.mark.lab
def test_status_and_a_failed_run_exit_non_zero(tenant):
    proc = run("tenantctl", "status", CUSTOMER, env=tenant)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"##### {FLEET}-3 (postgres_replicas)" in proc.stdout
    subprocess.run(["docker", "stop", f"{FLEET}-3"], capture_output=True, check=True)
    proc = run("tenantctl", "status", CUSTOMER, env=tenant)
    assert proc.returncode == 1
    assert f"failed: {FLEET}-3: " in proc.stderr, proc.stderr
