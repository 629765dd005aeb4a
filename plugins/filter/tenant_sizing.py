"""Jinja filters over the sizing core (plugins/module_utils/tenant_sizing).

    {{ tenant_inputs | tenant_plan }}                 -> the plan dict of one host
    {{ plan | tenant_postgresql_conf }}               -> postgresql.conf text
    {{ plan | tenant_odoo_options('web') }}           -> odoo.conf [options] dict
    {{ tenant_inputs | tenant_pgtune }}               -> PGTune settings (name -> text)

SizingError becomes AnsibleFilterError with the same one-line message.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleFilterError

try:
    import tenant_sizing
except ImportError:
    # AWX project sync runs playbooks from a plain checkout without pip-installing
    # the project, so fall back to the copy in this repository's module_utils.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "module_utils"))
    import tenant_sizing

from tenant_sizing import pgtune as _pgtune


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except tenant_sizing.SizingError as exc:
            raise AnsibleFilterError(str(exc)) from None

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def tenant_plan(inputs: dict[str, Any]) -> dict[str, Any]:
    """The sizing plan of one host (tenant_sizing.plan_host)."""
    return tenant_sizing.plan_host(dict(inputs))


def tenant_postgresql_conf(plan: dict[str, Any]) -> str:
    """postgresql.conf text of a plan."""
    return tenant_sizing.render_postgresql_conf(plan)


def tenant_odoo_options(plan: dict[str, Any], role: str = "web") -> dict[str, Any]:
    """odoo.conf [options] of a plan for the web or cron container."""
    return tenant_sizing.render_odoo_options(plan, role)


def tenant_pgtune(inputs: dict[str, Any]) -> dict[str, str]:
    """PGTune's output for explicit inputs: memory_mb, cpus, storage, pg_version,
    profile, connections (optional), db_size (optional: less | mid | greater)."""
    try:
        rows = _pgtune.pgtune(
            memory_mb=int(inputs["memory_mb"]),
            cpus=int(inputs["cpus"]) if inputs.get("cpus") else None,
            storage=str(inputs.get("storage", "ssd")),
            version=int(inputs.get("pg_version", 17)),
            profile=str(inputs.get("profile", "web")),
            connections=inputs.get("connections"),
            db_size=str(inputs.get("db_size", "mid")),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise tenant_sizing.SizingError(f"tenant_pgtune input error: {exc}") from None
    return dict(rows)


class FilterModule:
    """Ansible filter plugin entry point."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "tenant_plan": _guard(tenant_plan),
            "tenant_postgresql_conf": _guard(tenant_postgresql_conf),
            "tenant_odoo_options": _guard(tenant_odoo_options),
            "tenant_pgtune": _guard(tenant_pgtune),
        }
