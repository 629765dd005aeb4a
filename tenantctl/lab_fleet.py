"""`tenantctl lab up|down|ls`: the lab fleet, delegated to the `lab` package (the only
code that knows the lab exists)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `lab` subcommand."""
    parser = subparsers.add_parser(
        "lab",
        help="lab VMs: up <fleet> --vms N | down <fleet> | ls (see `lab --help`)",
        description="Delegates to the lab CLI: lab up <fleet> --vms N, lab down <fleet>, lab ls.",
    )
    parser.add_argument("action", choices=["up", "down", "ls"])
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="arguments for `lab <action>`")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run `lab <action> ...` in-process; its exit code is ours."""
    from lab import cli

    return cli.main([args.action, *args.rest])
