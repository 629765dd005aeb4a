"""Jinja filters over the Traefik routing core (plugins/module_utils/tenant_traefik).

    {{ traefik_inputs | tenant_traefik_input_problems }}   -> [problem naming a variable]
    {{ some_values | tenant_traefik_value_problems }}      -> the same, host names and CIDRs
    {{ traefik_inputs | tenant_traefik_static }}           -> traefik.yml dict
    {{ traefik_inputs | tenant_traefik_dynamic }}          -> file-provider dict
    {{ traefik_inputs | tenant_traefik_labels(network) }}  -> Docker labels for Odoo web
    {{ traefik_inputs | tenant_traefik_problems }}         -> every semantic check's problems
    {{ labels | tenant_traefik_labels_to_dynamic }}        -> {"config", "problems"}

TraefikConfigError (and a missing input) becomes AnsibleFilterError with the same
message, which names the variable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleFilterError

try:
    import tenant_traefik
except ImportError:
    # AWX project sync runs playbooks from a plain checkout without pip-installing
    # the project, so fall back to the copy in this repository's module_utils.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "module_utils"))
    import tenant_traefik


def _guard(func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except tenant_traefik.TraefikConfigError as exc:
            raise AnsibleFilterError(str(exc)) from None
        except KeyError as exc:
            raise AnsibleFilterError(f"{exc.args[0]}: missing from the Traefik inputs") from None

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def tenant_traefik_input_problems(inputs: dict[str, Any]) -> list[str]:
    """Invalid inventory values, each message naming its variable."""
    return tenant_traefik.input_problems(dict(inputs))


def tenant_traefik_value_problems(values: dict[str, Any]) -> list[str]:
    """Host names and CIDRs among the given variables (the preflight play's check)."""
    return tenant_traefik.value_problems(dict(values))


def tenant_traefik_static(inputs: dict[str, Any]) -> dict[str, Any]:
    """traefik.yml as a dict."""
    return tenant_traefik.static_config(dict(inputs))


def tenant_traefik_dynamic(inputs: dict[str, Any]) -> dict[str, Any]:
    """The file-provider routing for the tenant's Odoo."""
    return tenant_traefik.dynamic_config(dict(inputs))


def tenant_traefik_labels(inputs: dict[str, Any], network: str | None = None) -> dict[str, str]:
    """The same routing as Docker labels, for the Odoo web service."""
    return tenant_traefik.docker_labels(dict(inputs), network or None)


def tenant_traefik_problems(inputs: dict[str, Any]) -> list[str]:
    """Problems our own checks find in the static, file and label configuration."""
    return tenant_traefik.check_tenant(dict(inputs))


def tenant_traefik_labels_to_dynamic(labels: dict[str, str]) -> dict[str, Any]:
    """Labels mapped to the canonical dynamic tree, with the mapping's problems."""
    config, problems = tenant_traefik.labels_to_dynamic(dict(labels))
    return {"config": config, "problems": problems}


class FilterModule:
    """Ansible filter plugin entry point."""

    def filters(self) -> dict[str, Callable[..., Any]]:
        return {
            "tenant_traefik_input_problems": _guard(tenant_traefik_input_problems),
            "tenant_traefik_value_problems": _guard(tenant_traefik_value_problems),
            "tenant_traefik_static": _guard(tenant_traefik_static),
            "tenant_traefik_dynamic": _guard(tenant_traefik_dynamic),
            "tenant_traefik_labels": _guard(tenant_traefik_labels),
            "tenant_traefik_problems": _guard(tenant_traefik_problems),
            "tenant_traefik_labels_to_dynamic": _guard(tenant_traefik_labels_to_dynamic),
        }
