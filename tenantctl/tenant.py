"""A customer's inventory on disk: where it lives, its vault, and the checks tenantctl
makes before any host is contacted (so bad input changes nothing anywhere)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "inventories" / "example"
# Customer inventories may live in their own repository (they hold the vaults).
INVENTORIES_ENV = "TENANTCTL_INVENTORIES"
# Customer names become tenant_name: compose projects, containers, volumes, the
# database and Redis user; Docker and PostgreSQL accept this alphabet everywhere.
CUSTOMER_RE = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$")
# Not customers: the documented example and the lab's generated fleet inventories.
RESERVED = frozenset({"example", "lab"})
VAULT_ENV = "TENANTCTL_VAULT_PASSWORD_FILE"
DB_GROUPS = ("postgres_primary", "postgres_replicas")
GROUPS = ("odoo_app", "redis", "traefik", *DB_GROUPS)


class TenantError(Exception):
    """Bad input about a tenant (name, inventory, vault): one line, exit code 2."""


def inventories() -> Path:
    """Where customer inventories live: $TENANTCTL_INVENTORIES, else inventories/."""
    chosen = os.environ.get(INVENTORIES_ENV)
    return Path(chosen).expanduser().resolve() if chosen else ROOT / "inventories"


def check_name(customer: str) -> str:
    """Refuse names that cannot be a tenant_name (or would shadow example/lab)."""
    if customer in RESERVED or not CUSTOMER_RE.match(customer):
        raise TenantError(
            f"customer name {customer!r} is not usable: 2-32 lower-case letters, digits and"
            f" '-', starting with a letter (not {', '.join(sorted(RESERVED))})"
        )
    return customer


def secrets_home(customer: str) -> Path:
    """Controller-side home of a tenant's secrets, as the roles' defaults use it."""
    return Path.home() / ".odoo-tenant-kit" / customer


def vault_password_file(customer: str, flag: str | None) -> Path:
    """--vault-password-file, else $TENANTCTL_VAULT_PASSWORD_FILE, else the default."""
    chosen = flag or os.environ.get(VAULT_ENV)
    return Path(chosen).expanduser() if chosen else secrets_home(customer) / "vault-password"


@dataclass(frozen=True)
class Tenant:
    """An existing customer inventory that passed tenantctl's checks."""

    name: str
    directory: Path
    password_file: Path

    @property
    def hosts_file(self) -> Path:
        return self.directory / "hosts.yml"

    @property
    def vault_file(self) -> Path:
        return self.directory / "group_vars" / "all" / "vault.yml"


def _walk(name: str, node: Any, groups: dict[str, set[str]], where: Path) -> set[str]:
    """Hosts of one group of a YAML inventory, children included (Ansible's rules)."""
    if node is None:
        node = {}
    if not isinstance(node, dict):
        raise TenantError(f"{where}: group {name!r} must be a mapping (hosts, children, vars)")
    hosts = set((node.get("hosts") or {}).keys())
    for child, child_node in (node.get("children") or {}).items():
        hosts |= _walk(str(child), child_node, groups, where)
    groups.setdefault(name, set()).update(hosts)
    return hosts


def _groups(hosts_file: Path) -> dict[str, list[str]]:
    """Group -> hosts of a YAML inventory (the format tenantctl new writes)."""
    try:
        data = yaml.safe_load(hosts_file.read_text())
    except (OSError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0]
        raise TenantError(f"{hosts_file}: cannot read the inventory: {first}") from None
    if not isinstance(data, dict) or "all" not in data:
        raise TenantError(f"{hosts_file}: a YAML inventory starts with the group `all`")
    groups: dict[str, set[str]] = {}
    _walk("all", data["all"], groups, hosts_file)
    return {name: sorted(hosts) for name, hosts in groups.items()}


def check_topology(hosts_file: Path) -> dict[str, list[str]]:
    """The PostgreSQL topology rules of roles/preflight/tasks/topology.yml, checked
    before ansible-playbook starts (same wording, so both paths read alike)."""
    groups = _groups(hosts_file)
    primaries = groups.get("postgres_primary", [])
    replicas = groups.get("postgres_replicas", [])
    if (primaries or replicas) and len(primaries) != 1:
        fix = (
            f"The replicas {', '.join(replicas)} need a primary to stream from:"
            " add one host to postgres_primary."
            if not primaries
            else "Keep one host in postgres_primary and move the others to postgres_replicas."
        )
        raise TenantError(
            f"{hosts_file}: invalid inventory, nothing was changed. Group postgres_primary must"
            f" hold exactly one host; it holds {len(primaries)}"
            f" ({', '.join(primaries) or 'none'}). {fix}"
        )
    both = sorted(set(primaries) & set(replicas))
    if both:
        raise TenantError(
            f"{hosts_file}: invalid inventory, nothing was changed. {', '.join(both)} is in both"
            " postgres_primary and postgres_replicas; a host is one or the other."
        )
    if not groups.get("all"):
        raise TenantError(f"{hosts_file}: the inventory lists no hosts")
    return groups


def read_vault(path: Path, password_file: Path) -> dict[str, Any]:
    """Decrypt and parse a vault file; every failure is one line."""
    from ansible.errors import AnsibleError
    from ansible.parsing.vault import VaultLib, VaultSecret

    try:
        secret = password_file.read_bytes().strip()
    except OSError as exc:
        raise TenantError(f"vault password file {password_file}: {exc.strerror}") from None
    try:
        plain = VaultLib([("default", VaultSecret(secret))]).decrypt(path.read_bytes())
    except AnsibleError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise TenantError(f"{path}: cannot decrypt with {password_file}: {first}") from None
    data = yaml.safe_load(plain) or {}
    if not isinstance(data, dict):
        raise TenantError(f"{path}: the vault must hold a mapping of variables")
    return data


def load(customer: str, password_flag: str | None = None) -> Tenant:
    """The customer's inventory, checked: it exists, its topology is one PostgreSQL
    can run, and its vault exists and opens with the password file."""
    check_name(customer)
    directory = inventories() / customer
    tenant = Tenant(customer, directory, vault_password_file(customer, password_flag))
    if not tenant.hosts_file.is_file():
        known = sorted(
            p.name
            for p in (inventories().iterdir() if inventories().is_dir() else [])
            if (p / "hosts.yml").is_file() and p.name not in RESERVED
        )
        raise TenantError(
            f"unknown customer {customer!r}: {tenant.hosts_file} does not exist"
            f" (known: {', '.join(known) or 'none'}; create one with `tenantctl new {customer}`)"
        )
    check_topology(tenant.hosts_file)
    if not tenant.vault_file.is_file():
        raise TenantError(
            f"vault missing: {tenant.vault_file} does not exist; the tenant's secrets belong there"
            f" (layout: {EXAMPLE / 'group_vars/all/vault.yml.example'})"
        )
    if not tenant.password_file.is_file():
        raise TenantError(
            f"vault password file {tenant.password_file} does not exist; pass"
            f" --vault-password-file or set {VAULT_ENV}"
        )
    read_vault(tenant.vault_file, tenant.password_file)
    return tenant
