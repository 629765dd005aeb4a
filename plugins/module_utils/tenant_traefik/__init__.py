"""Odoo Tenant Kit Traefik core: pure Python, standard library only, no Ansible.

Imported as ``tenant_traefik`` (pip install, pytest) and as
``ansible.module_utils.tenant_traefik``; hence relative imports only.

Inputs are one dict keyed by the role's variable names (``tenant_name``,
``traefik_domains``, ``traefik_odoo_version``...; see roles/traefik/README.md), so
every problem message names the variable to fix.

Public API
----------
``input_problems(inputs) -> list[str]``      inventory values that are not valid
``static_config(inputs) -> dict``            traefik.yml
``dynamic_config(inputs) -> dict``           the file-provider document (primary)
``docker_labels(inputs, network=None) -> dict[str, str]``  the same routing as labels
``labels_to_dynamic(labels) -> (dict, list[str])``  labels -> canonical dynamic tree
``check_rule(rule) -> list[str]``            v3 rule syntax
``check_dynamic(config, ...) -> list[str]``  references, v2 leftovers, allow lists
``check_odoo_routing(config, ...) -> list[str]``  websocket/db-manager/login per version
``check_static(static, ...) -> list[str]``   entrypoints, providers, ping/metrics, timeouts
``check_tenant(inputs) -> list[str]``        all of the above on what the role renders

Bad inputs raise ``TraefikConfigError`` whose message names each variable.
"""

from .checks import (
    check_dynamic,
    check_odoo_routing,
    check_static,
    check_tenant,
    static_entrypoints,
)
from .errors import TraefikConfigError
from .inputs import input_problems, normalise_inputs, value_problems
from .labels import labels_to_dynamic
from .routing import (
    docker_labels,
    dynamic_config,
    object_names,
    routing_model,
    static_config,
    websocket_path,
)
from .rules import check_rule

__all__ = [
    "TraefikConfigError",
    "check_dynamic",
    "check_odoo_routing",
    "check_rule",
    "check_static",
    "check_tenant",
    "docker_labels",
    "dynamic_config",
    "input_problems",
    "labels_to_dynamic",
    "normalise_inputs",
    "object_names",
    "routing_model",
    "static_config",
    "static_entrypoints",
    "value_problems",
    "websocket_path",
]
