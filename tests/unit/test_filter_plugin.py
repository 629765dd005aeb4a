"""The filter plugin wraps the core and turns SizingError into AnsibleFilterError."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

PLUGIN = Path(__file__).resolve().parents[2] / "plugins" / "filter" / "tenant_sizing.py"


@pytest.fixture(scope="module")
def filters():
    spec = importlib.util.spec_from_file_location("tenant_sizing_filter_under_test", PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FilterModule().filters()


def test_filters_are_registered(filters):
    assert {"tenant_plan", "tenant_postgresql_conf", "tenant_odoo_options", "tenant_pgtune"} <= set(
        filters
    )


def test_plan_and_renderers(filters):
    plan = filters["tenant_plan"]({"cpus": 4, "memory_mb": 16384})
    assert filters["tenant_odoo_options"](plan, "cron")["http_enable"] is False
    assert "shared_buffers = " in filters["tenant_postgresql_conf"](plan)
    tuned = filters["tenant_pgtune"]({"memory_mb": 16384, "cpus": 4, "profile": "web"})
    assert tuned["work_mem"] == "20560kB"


def test_sizing_error_becomes_ansible_filter_error(filters):
    with pytest.raises(AnsibleFilterError) as err:
        filters["tenant_plan"]({"cpus": 0, "memory_mb": 8192})
    assert err.value.message == "cpus=0 must be greater than 0; minimum 0.5"


def test_renderer_errors_are_filter_errors(filters):
    plan = filters["tenant_plan"]({"cpus": 4, "memory_mb": 8192, "layout": "app"})
    with pytest.raises(AnsibleFilterError, match="has no PostgreSQL"):
        filters["tenant_postgresql_conf"](plan)
