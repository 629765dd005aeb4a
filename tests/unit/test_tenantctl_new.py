"""tenantctl new: the scaffolded inventory, its encrypted vault and refusals. Real
runs: the CLI in-process, ansible-vault and ansible-inventory as subprocesses."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tenantctl import cli, new, tenant

BIN = Path(sys.executable).parent


@pytest.fixture
def home(tmp_path, monkeypatch):
    """Customer inventories and secrets in a temporary place, as the env vars allow."""
    monkeypatch.setenv(tenant.INVENTORIES_ENV, str(tmp_path / "inventories"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv(tenant.VAULT_ENV, raising=False)
    return tmp_path


def scaffold(*extra: str) -> int:
    return cli.main(
        ["new", "globex", "--app", "app-1", "--primary", "db-1", "--replica", "db-2", *extra]
    )


def vault_data(home: Path) -> dict[str, str]:
    proc = subprocess.run(
        [
            str(BIN / "ansible-vault"),
            "view",
            "--vault-password-file",
            str(home / "home/.odoo-tenant-kit/globex/vault-password"),
            str(home / "inventories/globex/group_vars/all/vault.yml"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return yaml.safe_load(proc.stdout)


def test_scaffold_writes_inventory_and_encrypted_vault(home, capsys):
    assert scaffold("--domain", "erp.globex.example") == 0
    inv = home / "inventories" / "globex"
    hosts = yaml.safe_load((inv / "hosts.yml").read_text())["all"]["children"]
    assert list(hosts["odoo_app"]["hosts"]) == ["app-1"]
    assert list(hosts["postgres_primary"]["hosts"]) == ["db-1"]
    assert list(hosts["postgres_replicas"]["hosts"]) == ["db-2"]
    main = yaml.safe_load((inv / "group_vars/all/main.yml").read_text())
    assert main["tenant_name"] == "globex"
    assert main["traefik_domains"] == ["erp.globex.example"]
    assert main["traefik_admin_cidrs"] == []  # a new tenant denies the database manager
    # Comments of the example survive (they document the tenant).
    assert "# Secrets live in vault.yml" in (inv / "group_vars/all/main.yml").read_text()

    vault = inv / "group_vars/all/vault.yml"
    assert vault.read_text().startswith("$ANSIBLE_VAULT;1.1;AES256")
    assert stat.S_IMODE(vault.stat().st_mode) == 0o600
    password_file = home / "home/.odoo-tenant-kit/globex/vault-password"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(password_file.parent.stat().st_mode) == 0o700
    out = capsys.readouterr().out
    assert "created vault password file" in out


def test_vault_holds_every_secret_of_the_documented_layout(home):
    assert scaffold() == 0
    data = vault_data(home)
    assert list(data) == new.secret_names()
    assert {"postgresql_odoo_password", "redis_password", "odoo_admin_password"} <= set(data)
    for value in data.values():
        assert len(value) == 32 and value.isalnum()
    assert len(set(data.values())) == len(data)  # no secret reused


def test_secrets_differ_between_tenants(home, monkeypatch):
    assert scaffold() == 0
    first = vault_data(home)
    os.rename(home / "inventories/globex", home / "inventories/first")
    assert scaffold() == 0  # same password file, reused
    assert set(first.values()).isdisjoint(vault_data(home).values())


def test_ansible_reads_the_scaffolded_inventory_with_its_vault(home):
    assert scaffold() == 0
    proc = subprocess.run(
        [
            str(BIN / "ansible-inventory"),
            "-i",
            str(home / "inventories/globex/hosts.yml"),
            "--vault-password-file",
            str(home / "home/.odoo-tenant-kit/globex/vault-password"),
            "--host",
            "db-1",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    hostvars = json.loads(proc.stdout)
    assert hostvars["tenant_name"] == "globex"
    assert len(hostvars["postgresql_replication_password"]) == 32


def test_hosts_from_another_inventory_copies_its_connection(home, tmp_path):
    source = tmp_path / "fleet.yml"
    source.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "children": {
                        "lab": {
                            "hosts": {"vm-1": {}, "vm-2": {}, "vm-3": {}},
                            "vars": {"ansible_connection": "community.docker.docker"},
                        }
                    }
                }
            }
        )
    )
    assert cli.main(["new", "globex", "--hosts-from", str(source)]) == 0
    inv = home / "inventories/globex"
    groups = tenant.check_topology(inv / "hosts.yml")
    assert groups["odoo_app"] == ["vm-1"]
    assert groups["postgres_primary"] == ["vm-2"]
    assert groups["postgres_replicas"] == ["vm-3"]
    connection = yaml.safe_load((inv / "group_vars/all/connection.yml").read_text())
    assert connection == {"ansible_connection": "community.docker.docker"}


def test_given_password_file_is_used_not_replaced(home, tmp_path):
    password_file = tmp_path / "pw"
    password_file.write_text("correct horse battery staple\n")
    password_file.chmod(0o600)
    assert scaffold("--vault-password-file", str(password_file)) == 0
    assert password_file.read_text() == "correct horse battery staple\n"
    assert not (home / "home/.odoo-tenant-kit/globex/vault-password").exists()
    data = tenant.read_vault(home / "inventories/globex/group_vars/all/vault.yml", password_file)
    assert set(data) == set(new.secret_names())


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["new", "Globex", "--app", "a", "--primary", "b"], "customer name 'Globex' is not usable"),
        (["new", "example", "--app", "a", "--primary", "b"], "customer name 'example'"),
        (["new", "globex"], "name the hosts: --app HOST and --primary HOST"),
        (
            ["new", "globex", "--app", "a", "--primary", "b", "--replica", "b"],
            "b cannot be both --primary and --replica",
        ),
        (["new", "globex", "--hosts-from", "/nonexistent.yml"], "--hosts-from /nonexistent.yml"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(home, capsys, argv, fragment):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err, err
    assert err.count("\n") == 1
    assert not (home / "inventories").exists() or not any((home / "inventories").iterdir())
    assert not (home / "home/.odoo-tenant-kit").exists()


def test_never_overwrites_an_existing_customer(home, capsys):
    assert scaffold() == 0
    vault = (home / "inventories/globex/group_vars/all/vault.yml").read_bytes()
    capsys.readouterr()
    assert scaffold() == 2
    assert "already exists; tenantctl new never overwrites it" in capsys.readouterr().err
    assert (home / "inventories/globex/group_vars/all/vault.yml").read_bytes() == vault
