"""tenantctl entry point: an argparse tree of subcommands.

Each subcommand lives in its own module exposing ``register(subparsers)``, which
adds a parser and sets ``func`` (``func(args) -> int``) as its default, and
optionally ``USER_ERRORS``: exception types that mean bad input (printed as one
line, exit code 2). Add a module to SUBCOMMANDS to plug in a new command (new,
plan, deploy, status, lab).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

# Modules under tenantctl/ that provide register(subparsers); order = help order.
SUBCOMMANDS: tuple[str, ...] = ("size", "new", "plan", "deploy", "status", "lab_fleet")

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input; printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (no usage dump, no SystemExit here)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _modules() -> list[ModuleType]:
    return [importlib.import_module(f"tenantctl.{name}") for name in SUBCOMMANDS]


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every registered subcommand."""
    parser = _Parser(prog="tenantctl", description="Odoo Tenant Kit command line")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for module in _modules():
        module.register(subparsers)
    return parser


def user_errors() -> tuple[type[BaseException], ...]:
    """Every subcommand's bad-input exception types."""
    found: list[type[BaseException]] = []
    for module in _modules():
        found.extend(getattr(module, "USER_ERRORS", ()))
    return tuple(found)


def main(argv: Sequence[str] | None = None) -> int:
    """Run tenantctl; returns the exit code (console script wraps it in sys.exit)."""
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args))
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except user_errors() as exc:
        print(f"tenantctl: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("tenantctl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def run() -> NoReturn:
    """Console-script style entry: exit with main()'s code."""
    sys.exit(main())


if __name__ == "__main__":
    run()
