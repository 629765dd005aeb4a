"""Bad input through tenantctl (unknown customer, a replica without a primary, the
vault missing or not opening): one line naming the problem, a non-zero exit, and
ansible-playbook never started, so no host was contacted or changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

RUNS = ROOT / ".cache" / "runs"
COMMANDS = ("deploy", "plan", "status")


def tenantctl(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "tenantctl"
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "TENANTCTL_INVENTORIES": str(tmp_path / "inventories"),
        "HOME": str(tmp_path / "home"),
    }


def scaffold(env: dict[str, str], customer: str) -> Path:
    """A good inventory of unreachable hosts (a check that let bad input through would
    fail to connect, never change anything)."""
    proc = tenantctl(
        "new", customer, "--app", "app-1", "--primary", "db-1", "--replica", "db-2", env=env
    )
    assert proc.returncode == 0, proc.stderr
    return Path(env["TENANTCTL_INVENTORIES"]) / customer


def assert_refused(proc: subprocess.CompletedProcess[str], customer: str, fragment: str) -> None:
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.startswith("tenantctl: "), proc.stderr
    assert fragment in proc.stderr, proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    # ansible-runner never started: no run directory, so no play ran on any host.
    assert not (RUNS / customer).exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_unknown_customer(env, command):
    proc = tenantctl(command, "nosuchcustomer", env=env)
    assert_refused(proc, "nosuchcustomer", "unknown customer 'nosuchcustomer'")


@pytest.mark.parametrize("command", COMMANDS)
def test_replica_without_primary(env, command):
    inv = scaffold(env, "badinput-topology")
    hosts = inv / "hosts.yml"
    data = yaml.safe_load(hosts.read_text())
    data["all"]["children"]["postgres_primary"] = {}
    hosts.write_text(yaml.safe_dump(data))
    proc = tenantctl(command, "badinput-topology", env=env)
    assert_refused(
        proc,
        "badinput-topology",
        "Group postgres_primary must hold exactly one host; it holds 0 (none). The replicas"
        " db-2 need a primary to stream from: add one host to postgres_primary.",
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_vault_missing(env, command):
    inv = scaffold(env, "badinput-novault")
    (inv / "group_vars/all/vault.yml").unlink()
    proc = tenantctl(command, "badinput-novault", env=env)
    assert_refused(proc, "badinput-novault", "vault missing: ")


def test_vault_password_file_missing(env):
    scaffold(env, "badinput-nopass")
    proc = tenantctl("deploy", "badinput-nopass", "--vault-password-file", "/nonexistent", env=env)
    assert_refused(proc, "badinput-nopass", "vault password file /nonexistent does not exist")


def test_wrong_vault_password(env, tmp_path):
    scaffold(env, "badinput-wrongpass")
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password\n")
    proc = tenantctl("deploy", "badinput-wrongpass", "--vault-password-file", str(wrong), env=env)
    assert_refused(proc, "badinput-wrongpass", "cannot decrypt with")


def test_unknown_tag(env):
    scaffold(env, "badinput-tag")
    proc = tenantctl("deploy", "badinput-tag", "--tags", "postgres", env=env)
    assert_refused(proc, "badinput-tag", "unknown tag 'postgres'; site.yml has: base, docker")
