"""`tenantctl new <customer>`: scaffold inventories/<customer>/ from the example and
write the tenant's secrets, generated here, into an ansible-vault encrypted vault.yml.

Asks nothing: hosts, domains and the vault password file come from flags. The secrets'
names are read from inventories/example/group_vars/all/vault.yml.example, so the
documented layout and what `new` writes cannot drift apart.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import string
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tenantctl import tenant

USER_ERRORS: tuple[type[BaseException], ...] = (tenant.TenantError,)

SECRET_ALPHABET = string.ascii_letters + string.digits
SECRET_LENGTH = 32  # as the roles' own generated passwords
VAULT_LAYOUT = tenant.EXAMPLE / "group_vars" / "all" / "vault.yml.example"


def register(subparsers: Any) -> None:
    """Add the `new` subcommand."""
    parser = subparsers.add_parser(
        "new",
        help="scaffold inventories/<customer>/ and its encrypted vault",
        description="Scaffold inventories/<customer>/ from inventories/example/ and write"
        " generated secrets into an ansible-vault encrypted group_vars/all/vault.yml.",
    )
    parser.add_argument("customer", help="tenant name: lower-case letters, digits, '-'")
    parser.add_argument("--app", action="append", default=[], help="Odoo app host (repeatable)")
    parser.add_argument("--primary", default=None, help="PostgreSQL primary host")
    parser.add_argument(
        "--replica", action="append", default=[], help="PostgreSQL replica host (repeatable)"
    )
    parser.add_argument(
        "--hosts-from",
        default=None,
        help="take hosts and their connection variables from this YAML inventory (e.g."
        " inventories/lab/<fleet>.yml): 1st host app, 2nd primary, the rest replicas",
    )
    parser.add_argument("--domain", action="append", default=[], help="public host name")
    parser.add_argument(
        "--admin-cidr", action="append", default=[], help="CIDR allowed to /web/database"
    )
    parser.add_argument("--acme-email", default="", help="ACME account e-mail")
    parser.add_argument(
        "--vault-password-file",
        default=None,
        help=f"vault password file; created (0600) if missing. Default ${tenant.VAULT_ENV},"
        " else ~/.odoo-tenant-kit/<customer>/vault-password",
    )
    parser.set_defaults(func=run)


def secret_names() -> list[str]:
    """The variables vault.yml holds, from the documented layout."""
    layout = yaml.safe_load(VAULT_LAYOUT.read_text()) or {}
    return list(layout)


def generate_secrets() -> dict[str, str]:
    """A fresh random value for every secret in the layout."""
    return {
        name: "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
        for name in secret_names()
    }


def _write_private(path: Path, data: bytes) -> None:
    """Create a file readable by its owner only (never world-readable, even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def vault_password(path: Path) -> tuple[bytes, bool]:
    """The vault password from its file, creating the file when it does not exist."""
    if path.exists():
        try:
            password = path.read_bytes().strip()
        except OSError as exc:
            raise tenant.TenantError(f"vault password file {path}: {exc.strerror}") from None
        if not password:
            raise tenant.TenantError(f"vault password file {path} is empty")
        return password, False
    password = "".join(secrets.choice(SECRET_ALPHABET) for _ in range(SECRET_LENGTH)).encode()
    _write_private(path, password + b"\n")
    return password, True


def encrypt(plaintext: str, password: bytes) -> bytes:
    """ansible-vault's format (AES256), by Ansible's own VaultLib."""
    from ansible.parsing.vault import VaultLib, VaultSecret

    return VaultLib([("default", VaultSecret(password))]).encrypt(plaintext.encode())


def _hosts_from(path: Path) -> tuple[list[str], dict[str, Any]]:
    """Hosts in order of appearance and the variables of the groups holding them."""
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise tenant.TenantError(f"--hosts-from {path}: {str(exc).splitlines()[0]}") from None
    hosts: list[str] = []
    variables: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if not isinstance(node, dict):
            return
        variables.update(node.get("vars") or {})
        for host in node.get("hosts") or {}:
            if host not in hosts:
                hosts.append(str(host))
        for child in (node.get("children") or {}).values():
            walk(child)

    walk((data or {}).get("all") if isinstance(data, dict) else None)
    if not hosts:
        raise tenant.TenantError(f"--hosts-from {path}: no hosts in that inventory")
    return hosts, variables


def assign_hosts(args: argparse.Namespace) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """Group -> hosts from the flags (and --hosts-from), checked like any inventory."""
    connection: dict[str, Any] = {}
    app, primary, replicas = list(args.app), args.primary, list(args.replica)
    if args.hosts_from:
        found, connection = _hosts_from(Path(args.hosts_from))
        if not app and primary is None and not replicas:
            app, primary, replicas = found[:1], found[1] if len(found) > 1 else found[0], found[2:]
    if not app or primary is None:
        raise tenant.TenantError(
            "name the hosts: --app HOST and --primary HOST (and --replica HOST ...),"
            " or --hosts-from INVENTORY"
        )
    if primary in replicas:
        raise tenant.TenantError(f"{primary} cannot be both --primary and --replica")
    groups = {
        "odoo_app": app,
        "redis": app[:1],
        "traefik": app[:1],
        "postgres_primary": [primary],
        "postgres_replicas": replicas,
    }
    return groups, connection


def _yaml_value(value: Any) -> str:
    """A flow-style YAML scalar or list that reads back as `value`."""
    return json.dumps(value)


def set_key(text: str, key: str, value: Any) -> str:
    """Replace `key: ...` (and a block list under it) in the example's main.yml,
    keeping every comment around it."""
    pattern = re.compile(rf"^{re.escape(key)}:.*\n(?:  - .*\n)*", re.MULTILINE)
    if not pattern.search(text):
        raise tenant.TenantError(f"{tenant.EXAMPLE}: main.yml has no {key}; cannot scaffold")
    return pattern.sub(f"{key}: {_yaml_value(value)}\n", text, count=1)


def render_main(customer: str, args: argparse.Namespace) -> str:
    """inventories/example/group_vars/all/main.yml, made this customer's."""
    text = (tenant.EXAMPLE / "group_vars" / "all" / "main.yml").read_text()
    text = set_key(text, "tenant_name", customer)
    text = set_key(text, "traefik_domains", args.domain or [f"erp.{customer}.example"])
    # A new tenant denies the database manager to everyone until someone names a CIDR.
    text = set_key(text, "traefik_admin_cidrs", args.admin_cidr)
    return set_key(text, "traefik_acme_email", args.acme_email)


def render_hosts(customer: str, groups: dict[str, list[str]]) -> str:
    """hosts.yml: every group listed, even empty ones (the roles look groups up)."""
    children = {
        name: {"hosts": dict.fromkeys(hosts)} if hosts else {} for name, hosts in groups.items()
    }
    header = f"# Tenant {customer}, scaffolded by `tenantctl new`. Edit freely.\n"
    return "---\n" + header + yaml.safe_dump({"all": {"children": children}}, sort_keys=False)


def run(args: argparse.Namespace) -> int:
    """Scaffold the inventory; nothing is written unless everything is ready."""
    customer = tenant.check_name(args.customer)
    target = tenant.inventories() / customer
    if target.exists():
        raise tenant.TenantError(f"{target} already exists; tenantctl new never overwrites it")
    groups, connection = assign_hosts(args)
    password_file = tenant.vault_password_file(customer, args.vault_password_file)
    main_text = render_main(customer, args)
    hosts_text = render_hosts(customer, groups)
    password, created = vault_password(password_file)
    vault_text = "---\n" + yaml.safe_dump(generate_secrets(), sort_keys=False)

    # Build in a sibling temporary directory, then rename: all or nothing.
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{customer}-", dir=target.parent))
    try:
        (staging / "group_vars" / "all").mkdir(parents=True)
        (staging / "hosts.yml").write_text(hosts_text)
        (staging / "group_vars" / "all" / "main.yml").write_text(main_text)
        shutil.copy(tenant.EXAMPLE / "README.md", staging / "README.md")
        if connection:
            source = args.hosts_from
            (staging / "group_vars" / "all" / "connection.yml").write_text(
                f"---\n# How Ansible reaches these hosts, copied from {source}.\n"
                + yaml.safe_dump(connection, sort_keys=False)
            )
        _write_private(staging / "group_vars" / "all" / "vault.yml", encrypt(vault_text, password))
        staging.chmod(0o755)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    made = "created" if created else "used"
    print(f"created {target}/ (hosts.yml, group_vars/all/main.yml, vault.yml encrypted)")
    print(
        f"{made} vault password file {password_file} (keep it; AWX needs it as a Vault credential)"
    )
    for group, hosts in groups.items():
        print(f"  {group:<18} {', '.join(hosts) or '-'}")
    print(f"next: tenantctl plan {customer}; tenantctl deploy {customer}", file=sys.stderr)
    return 0
