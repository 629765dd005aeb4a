"""`tenantctl size`: print the sizing plan of one host (table or JSON)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

try:
    import tenant_sizing
except ImportError:  # plain checkout: the core lives in plugins/module_utils
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins" / "module_utils"))
    import tenant_sizing

USER_ERRORS: tuple[type[BaseException], ...] = (tenant_sizing.SizingError,)

FORMATS = ("table", "json", "postgresql.conf")


def register(subparsers: Any) -> None:
    """Add the `size` subcommand."""
    parser = subparsers.add_parser(
        "size",
        help="compute Odoo, PostgreSQL, Redis and container sizing for one host",
        description="Compute the sizing plan of one host and explain every value.",
    )
    parser.add_argument("--cpus", required=True, help="CPUs of the host (fractional allowed)")
    parser.add_argument("--memory", required=True, help="host memory: MiB or e.g. 16G, 4096M")
    parser.add_argument("--storage", default="ssd", help="nvme | ssd | san | hdd (default ssd)")
    parser.add_argument("--volume-gb", default=100, help="PostgreSQL data volume size in GB")
    parser.add_argument("--layout", default="all-in-one", help="all-in-one | app | db")
    parser.add_argument("--odoo", default="17.0", help="Odoo major version, 15..19")
    parser.add_argument("--pg", default="17", help="PostgreSQL major version, 13..18")
    parser.add_argument("--users", default=None, help="expected concurrent users")
    parser.add_argument(
        "--profile", default="odoo", help="odoo | web | oltp | dw | desktop | mixed (PGTune)"
    )
    parser.add_argument("--resize", default="baseline", help="baseline | peak")
    parser.add_argument("--replicas", default=1, help="streaming replicas (default 1)")
    parser.add_argument("--hugepages", default="auto", help="auto | reserve | off")
    parser.add_argument("--pg-connections", default=None, help="override max_connections")
    parser.add_argument("--app-cpus", default=None, help="db layout: CPUs of each app host")
    parser.add_argument("--app-memory", default=None, help="db layout: memory of each app host")
    parser.add_argument("--app-hosts", default=1, help="db layout: number of app hosts")
    parser.add_argument("--format", default="table", choices=FORMATS, help="output format")
    parser.set_defaults(func=run)


def inputs_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """Map CLI flags to plan inputs; the core validates them."""
    return {
        "cpus": args.cpus,
        "memory_mb": args.memory,
        "storage": args.storage,
        "data_volume_gb": args.volume_gb,
        "layout": args.layout,
        "odoo_version": args.odoo,
        "pg_version": args.pg,
        "users": args.users,
        "profile": args.profile,
        "resize": args.resize,
        "replicas": args.replicas,
        "hugepages": args.hugepages,
        "pg_connections": args.pg_connections,
        "app_cpus": args.app_cpus,
        "app_memory_mb": args.app_memory,
        "app_hosts": args.app_hosts,
    }


def run(args: argparse.Namespace) -> int:
    """Compute and print the plan."""
    plan = tenant_sizing.plan_host(inputs_from_args(args))
    if args.format == "json":
        print(json.dumps(plan, indent=2, sort_keys=False))
    elif args.format == "postgresql.conf":
        print(tenant_sizing.render_postgresql_conf(plan), end="")
    else:
        print(render_table(plan), end="")
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _table(title: str, rows: list[tuple[str, Any, str]]) -> list[str]:
    """One titled block of `name  value  reason` lines, columns aligned."""
    if not rows:
        return []
    name_w = max(7, *(len(r[0]) for r in rows))
    value_w = max(5, *(len(_cell(r[1])) for r in rows))
    lines = [f"== {title} ==", f"{'setting':<{name_w}}  {'value':<{value_w}}  reason"]
    lines += [f"{n:<{name_w}}  {_cell(v):<{value_w}}  {why}" for n, v, why in rows]
    return [*lines, ""]


def _items(section: dict[str, Any]) -> list[tuple[str, Any, str]]:
    return [(name, entry["value"], entry["reason"]) for name, entry in section.items()]


def render_table(plan: dict[str, Any]) -> str:
    """The readable plan: one table per service, each value with its reason."""
    inp = plan["inputs"]
    head = (
        f"host: {inp['cpus']:g} CPUs, {inp['memory_mb']} MiB, {inp['storage']},"
        f" {inp['data_volume_gb']} GB data volume, layout {inp['layout']};"
        f" Odoo {inp['odoo_version']}, PostgreSQL {inp['pg_version']} profile {inp['profile']},"
        f" resize {inp['resize']}"
    )
    lines = [head, ""]
    lines += _table("budget: memory (MiB)", _items(plan["budget"]["memory_mb"]))
    lines += _table("budget: CPUs", _items(plan["budget"]["cpus"]))
    if plan["odoo"]:
        lines += _table("odoo: sizing", _items(plan["odoo"]["sizing"]))
        lines += _table("odoo: odoo-web options", _items(plan["odoo"]["web"]))
        lines += _table("odoo: odoo-cron options", _items(plan["odoo"]["cron"]))
    if plan["postgresql"]:
        pg = plan["postgresql"]
        lines += _table(
            f"postgresql {pg['version']} ({pg['profile']}): postgresql.conf",
            _items(pg["settings"]),
        )
        lines += _table("postgresql: host", _items(pg["host"]))
    if plan["redis"]:
        lines += _table("redis", _items(plan["redis"]))
    rows = []
    for service, limits in plan["containers"].items():
        rows += [(f"{service}.{key}", e["value"], e["reason"]) for key, e in limits.items()]
    lines += _table("containers", rows)
    resize = plan["resize"]
    lines.append(f"== resize: {resize['profile']} (alternative {resize['alternative']}) ==")
    for key, values in resize["changes"].items():
        lines.append(f"{key}: " + ", ".join(f"{p} {_cell(v)}" for p, v in values.items()))
    lines += [f"- {text}" for text in resize["cost"]]
    lines.append("")
    if plan["notes"]:
        lines.append("== notes ==")
        lines += [f"- {note}" for note in plan["notes"]]
    return "\n".join(lines) + "\n"
