"""`tenantctl status <customer>`: the tenant's containers and their health per host,
replication state and lag, and endpoints (playbooks/status.yml, queries only)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from tenantctl import ansible_run, tenant
from tenantctl.deploy import add_common

USER_ERRORS: tuple[type[BaseException], ...] = (tenant.TenantError,)
REPORT_TASK = "Report this host's status"


def register(subparsers: Any) -> None:
    """Add the `status` subcommand."""
    parser = subparsers.add_parser(
        "status",
        help="containers and health per host, replication state and lag, endpoints",
        description="Query every host of the tenant (read-only) and print its state.",
    )
    add_common(parser, formats=True)
    parser.set_defaults(func=run)


def parse_containers(lines: list[str]) -> list[dict[str, str]]:
    """`docker ps` lines (name|state|status|ports) to dicts with a health word."""
    found = []
    for line in lines:
        name, state, status, ports = [*line.split("|", 3), "", "", ""][:4]
        health = (
            "healthy"
            if "(healthy)" in status
            else "unhealthy"
            if "(unhealthy)" in status
            else "starting"
            if "(health: starting)" in status
            else "-"
        )
        found.append(
            {"name": name, "state": state, "health": health, "status": status, "ports": ports}
        )
    return found


def parse_replication(report: dict[str, Any]) -> dict[str, Any]:
    """The primary's view of each replica, or a replica's own view."""
    if report.get("primary") is not None:
        rows = []
        for line in report["primary"]:
            name, addr, state, sync, lag_bytes, lag_s = [*line.split("|"), *[""] * 6][:6]
            rows.append(
                {
                    "replica": name,
                    "address": addr,
                    "state": state,
                    "sync": sync,
                    "lag_bytes": lag_bytes,
                    "replay_lag_s": lag_s,
                }
            )
        return {"role": "primary", "replicas": rows, "error": report.get("primary_error", "")}
    if report.get("replica") is not None:
        recovery, receiver, delay = [*str(report["replica"]).split("|"), "", "", ""][:3]
        return {
            "role": "replica",
            "in_recovery": recovery == "t",
            "receiver": receiver,
            "replay_delay_s": delay,
            "error": report.get("replica_error", ""),
        }
    return {}


def summarise(reports: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per-host status as plain data (what --format json prints)."""
    return {
        host: {
            "groups": report.get("groups", []),
            "containers": parse_containers(report.get("containers") or []),
            "docker_error": report.get("docker_error", ""),
            "replication": parse_replication(report),
            "domains": report.get("domains") or [],
        }
        for host, report in sorted(reports.items())
    }


def render(status: dict[str, Any]) -> str:
    """Readable status: one block per host."""
    lines = []
    for host, s in status.items():
        lines.append(f"##### {host} ({', '.join(s['groups']) or 'no group'})")
        if s["docker_error"]:
            lines.append(f"  docker: {s['docker_error']}")
        for c in s["containers"]:
            # A one-shot service (Odoo's migrate) is fine exited with 0: show how it ended.
            detail = f"  ports {c['ports']}" if c["ports"] else ""
            if c["state"] != "running":
                detail = f"  {c['status']}"
            lines.append(f"  {c['name']:<28} {c['state']:<9} {c['health']:<10}{detail}")
        if not s["containers"] and not s["docker_error"]:
            lines.append("  no containers of this tenant")
        rep = s["replication"]
        if rep.get("role") == "primary":
            lines.append(f"  postgresql: primary, {len(rep['replicas'])} replica(s) streaming")
            for r in rep["replicas"]:
                lines.append(
                    f"    {r['replica']} {r['address']} {r['state']} {r['sync']}:"
                    f" {r['lag_bytes']} bytes behind, replay lag {r['replay_lag_s']} s"
                )
        elif rep.get("role") == "replica":
            state = "in recovery" if rep["in_recovery"] else "NOT in recovery (promoted?)"
            lines.append(
                f"  postgresql: replica, {state}, receiver {rep['receiver']},"
                f" last replayed transaction {rep['replay_delay_s']} s ago"
            )
        if rep.get("error"):
            lines.append(f"  postgresql: {rep['error'].strip().splitlines()[0]}")
        for domain in s["domains"]:
            lines.append(f"  endpoint https://{domain}/ (Traefik)")
        lines.append("")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run playbooks/status.yml and print what every host reported."""
    t = tenant.load(args.customer, args.vault_password_file)
    started = time.monotonic()
    result = ansible_run.run_playbook(t, "status.yml", kind="status", quiet=True, out=sys.stderr)
    status = summarise(result.reports(REPORT_TASK))
    if args.format == "json":
        print(json.dumps(status, indent=2))
    else:
        print(render(status), end="")
    if result.rc != 0:
        print(ansible_run.summary(result, started), file=sys.stderr)
        return 1
    return 0
