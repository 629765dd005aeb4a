"""Issue 5's bad inputs stop site.yml in preflight, naming the variable, before any
host is contacted: an Odoo version we do not support (the odoo role's argument specs),
a domain that is not a host name and admin CIDRs that are not CIDRs (the routing
core's checks on the inventory's values), a Redis budget below its minimum (the
redis role's own check, run by preflight), and Traefik routing for another Odoo major
than the one deployed. The hosts do not exist, so a check that
let a value through would end in UNREACHABLE, never in a change."""

from __future__ import annotations

import pytest

# The same stop, checked the same way: rc, "nothing was changed", the message, only
# preflight tasks, changed=0 and unreachable=0 (imported under a name pytest does not
# collect twice).
from tests.bad_input.test_topology import test_bad_topology_stops_in_preflight as stops


@pytest.mark.parametrize(
    ("inventory", "message"),
    [
        (
            "odoo_version_unsupported",
            "Role odoo: value of odoo_version must be one of: 15, 16, 17, 18, got: 14",
        ),
        (
            "traefik_domain_invalid",
            "traefik_domains: 'bad_domain!' is not a valid host name",
        ),
        (
            "traefik_cidrs_invalid",
            "traefik_admin_cidrs: '10.0.0.300/8' is not a CIDR; traefik_admin_cidrs: "
            "'198.51.100.7' is not a CIDR (write a single address as x.x.x.x/32",
        ),
        (
            "odoo_traefik_majors_differ",
            "odoo_version (odoo_app hosts) and traefik_odoo_version (traefik hosts) must name "
            "the same Odoo major, the websocket route depends on it; found "
            "{'app-1 odoo_version': 16, 'app-1 traefik_odoo_version': 17}",
        ),
        (
            "redis_budget_too_small",
            "redis_maxmemory_mb=32 is below the minimum of 64 (MiB)",
        ),
    ],
)
def test_site_stops_in_preflight_naming_the_variable(inventory: str, message: str) -> None:
    stops(inventory, message)
