"""The odoo.conf keys the odoo role writes from the inventory exist in every Odoo major
the role accepts (the sizing plan's own keys are checked by the sizing core), so an
Odoo that ignores unknown keys never silently drops one of ours."""

from __future__ import annotations

import re

import pytest
import yaml
from tenant_sizing import odoo

from tests.conftest import ROOT

ROLE = ROOT / "roles" / "odoo"


def conf_keys() -> set[str]:
    """Keys of odoo_conf_common (a Jinja dict literal in the role's vars)."""
    expr = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())["odoo_conf_common"]
    return set(re.findall(r"'([a-z_]+)':", expr))


def versions() -> list[int]:
    spec = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())
    return spec["argument_specs"]["main"]["options"]["odoo_version"]["choices"]


def test_the_role_writes_the_keys_it_should() -> None:
    assert {"db_host", "db_sslmode", "dbfilter", "list_db", "server_wide_modules"} <= conf_keys()


@pytest.mark.parametrize("major", versions())
def test_inventory_keys_exist_in_every_supported_major(major: int) -> None:
    keys = conf_keys()
    if major < 18:
        # Rendered only from 18 on; the role refuses odoo_db_replica_host before that.
        keys -= {"db_replica_host", "db_replica_port"}
    assert keys <= odoo.valid_options(f"{major}.0"), keys - odoo.valid_options(f"{major}.0")
