"""`tenantctl plan <customer>`: gather facts read-only and print, per host, the sizing
plan each role will apply (playbooks/plan.yml runs the roles' own plan tasks)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from tenantctl import ansible_run, tenant
from tenantctl.deploy import add_common
from tenantctl.size import _items, _table

USER_ERRORS: tuple[type[BaseException], ...] = (tenant.TenantError,)
REPORT_TASK = "Report this host's plans"


def register(subparsers: Any) -> None:
    """Add the `plan` subcommand."""
    parser = subparsers.add_parser(
        "plan",
        help="print each host's sizing plan from its facts (changes nothing)",
        description="Gather facts (read-only, check mode) and print the plan per host.",
    )
    add_common(parser, formats=True)
    parser.set_defaults(func=run)


def _limits(plan: dict[str, Any], services: tuple[str, ...]) -> list[tuple[str, Any, str]]:
    rows = []
    for service in services:
        for key, entry in plan["containers"].get(service, {}).items():
            rows.append((f"{service}.{key}", entry["value"], entry["reason"]))
    return rows


def render_host(host: str, report: dict[str, Any]) -> str:
    """One host: its facts, then what each role on it applies, each value with its reason."""
    facts = report.get("facts") or {}
    lines = [
        f"##### {host}: {facts.get('cpus')} CPUs, {facts.get('memory_mb')} MiB,"
        f" {facts.get('storage_class')}, {facts.get('data_volume_gb')} GB volume",
        "",
    ]
    pg, redis, odoo = report.get("postgresql"), report.get("redis"), report.get("odoo")
    # The budget of the plan covering most of the host: Odoo's on app hosts, else PostgreSQL's.
    main = odoo or pg or redis
    if main:
        layout = main["inputs"]["layout"]
        lines += _table(
            f"budget: memory (MiB), layout {layout}", _items(main["budget"]["memory_mb"])
        )
        lines += _table("budget: CPUs", _items(main["budget"]["cpus"]))
    if odoo and odoo.get("odoo"):
        lines += _table("odoo: sizing", _items(odoo["odoo"]["sizing"]))
        lines += _table("odoo: odoo-web options", _items(odoo["odoo"]["web"]))
        lines += _table("odoo: odoo-cron options", _items(odoo["odoo"]["cron"]))
        lines += _table("odoo: containers", _limits(odoo, ("odoo-web", "odoo-cron")))
    if pg and pg.get("postgresql"):
        section = pg["postgresql"]
        lines += _table(
            f"postgresql {section['version']} ({section['profile']}): postgresql.conf",
            _items(section["settings"]),
        )
        cluster = report.get("postgresql_cluster") or {}
        if cluster:
            lines.append(
                "cluster-wide (a standby refuses to start below its primary): "
                + ", ".join(f"{k} {v}" for k, v in cluster.items())
            )
            lines.append("")
        lines += _table("postgresql: host", _items(section["host"]))
        lines += _table("postgresql: container", _limits(pg, ("postgresql",)))
    if redis and redis.get("redis"):
        lines += _table("redis", _items(redis["redis"]))
        lines += _table("redis: container", _limits(redis, ("redis",)))
    notes = sorted({n for p in (odoo, pg, redis) if p for n in p.get("notes", [])})
    if notes:
        lines += ["== notes ==", *[f"- {n}" for n in notes], ""]
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Run playbooks/plan.yml in check mode and print each host's report."""
    t = tenant.load(args.customer, args.vault_password_file)
    started = time.monotonic()
    print(f"plan {t.name}: reading facts (check mode, nothing is changed)", file=sys.stderr)
    result = ansible_run.run_playbook(t, "plan.yml", kind="plan", check=True, out=sys.stderr)
    if result.rc != 0:
        print(ansible_run.summary(result, started), file=sys.stderr)
        return 1
    reports = result.reports(REPORT_TASK)
    if args.format == "json":
        print(json.dumps(reports, indent=2))
    else:
        for host in sorted(reports):
            print(render_host(host, reports[host]))
    print(f"artifacts: {result.artifacts}", file=sys.stderr)
    return 0
