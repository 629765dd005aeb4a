"""`tenantctl deploy <customer>`: run playbooks/site.yml with a progress display, a
per-host summary and the run's artifacts kept; the exit code reflects the run."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from tenantctl import ansible_run, tenant

USER_ERRORS: tuple[type[BaseException], ...] = (tenant.TenantError,)

# Tags of playbooks/site.yml (preflight always runs: it is tagged `always`).
SITE_TAGS = ("base", "docker", "postgresql", "redis", "odoo", "traefik")


def add_common(parser: argparse.ArgumentParser, *, formats: bool = False) -> None:
    """Flags every command that reads a customer's inventory takes."""
    parser.add_argument("customer", help="the customer: inventories/<customer>/")
    if formats:
        parser.add_argument("--format", default="table", choices=("table", "json"))
    parser.add_argument(
        "--vault-password-file",
        default=None,
        help=f"vault password file (default ${tenant.VAULT_ENV}, else"
        " ~/.odoo-tenant-kit/<customer>/vault-password)",
    )


def _tags(text: str | None) -> list[str]:
    tags = [t.strip() for t in (text or "").split(",") if t.strip()]
    unknown = [t for t in tags if t not in SITE_TAGS]
    if unknown:
        raise tenant.TenantError(
            f"unknown tag {unknown[0]!r}; site.yml has: {', '.join(SITE_TAGS)}"
        )
    return tags


def register(subparsers: Any) -> None:
    """Add the `deploy` subcommand."""
    parser = subparsers.add_parser(
        "deploy",
        help="converge a tenant: playbooks/site.yml with progress and a summary",
        description="Run playbooks/site.yml against inventories/<customer>/.",
    )
    add_common(parser)
    parser.add_argument("--check", action="store_true", help="check mode: report, change nothing")
    parser.add_argument("--tags", default=None, help=f"comma-separated: {', '.join(SITE_TAGS)}")
    parser.add_argument("--limit", default=None, help="only these hosts (Ansible pattern)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Check the inventory, then converge; 0 only when every host succeeded."""
    tags = _tags(args.tags)
    t = tenant.load(args.customer, args.vault_password_file)
    started = time.monotonic()
    mode = " (check mode: nothing is changed)" if args.check else ""
    print(f"deploy {t.name}: playbooks/site.yml on {t.hosts_file}{mode}", file=sys.stderr)
    result = ansible_run.run_playbook(
        t, "site.yml", kind="deploy", tags=tags, check=args.check, limit=args.limit
    )
    print(ansible_run.summary(result, started))
    return 0 if result.rc == 0 else 1
