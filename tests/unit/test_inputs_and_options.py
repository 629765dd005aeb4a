"""Bad input messages, odoo.conf option names per version, the option data copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tenant_sizing
from tenant_sizing import odoo

SHARED = Path(__file__).resolve().parents[3] / "shared" / "odoo-options"


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"cpus": 0, "memory_mb": 8192}, "cpus=0 must be greater than 0; minimum 0.5"),
        ({"cpus": -2, "memory_mb": 8192}, "cpus=-2 is too small; minimum 0"),
        ({"cpus": "many", "memory_mb": 8192}, "cpus='many' is not a number"),
        ({"cpus": 2, "memory_mb": "lots"}, "memory_mb='lots' is not a size"),
        ({"memory_mb": 8192}, "cpus is required"),
        ({"cpus": 2, "memory_mb": 8192, "profile": "fast"}, "profile='fast' is not supported"),
        ({"cpus": 2, "memory_mb": 8192, "odoo_version": 14}, "odoo_version='14.0' is not"),
        ({"cpus": 2, "memory_mb": 8192, "pg_version": 12}, "pg_version=12 is not supported"),
        ({"cpus": 2, "memory_mb": 8192, "layout": "cluster"}, "layout='cluster' is not"),
        ({"cpus": 2, "memory_mb": 8192, "storage": "tape"}, "storage='tape' is not"),
        ({"cpus": 2, "memory_mb": 8192, "data_volume_gb": 5}, "data_volume_gb=5 is too small"),
        ({"cpus": 2, "memory_mb": 8192, "cpu": 2}, "unknown input 'cpu'"),
        (
            {"cpus": 2, "memory_mb": 8192, "profile": "desktop"},
            "replicas=1 cannot be fed by profile='desktop'",
        ),
        (
            {"cpus": 2, "memory_mb": 8192, "pg_connections": 10},
            "pg_connections=10 is below what the Odoo pools need; minimum",
        ),
    ],
)
def test_bad_input_is_one_line_naming_the_input(inputs, expected):
    with pytest.raises(tenant_sizing.SizingError) as err:
        tenant_sizing.plan_host(inputs)
    message = str(err.value)
    assert expected in message
    assert "\n" not in message


def test_too_few_cpus_names_a_working_minimum():
    with pytest.raises(tenant_sizing.SizingError) as err:
        tenant_sizing.plan_host({"cpus": 0.3, "memory_mb": 16384})
    minimum = float(str(err.value).rsplit("minimum ", 1)[1])
    tenant_sizing.plan_host({"cpus": minimum, "memory_mb": 16384})
    with pytest.raises(tenant_sizing.SizingError):
        tenant_sizing.plan_host({"cpus": round(minimum - 0.01, 2), "memory_mb": 16384})


def test_db_layout_blames_the_app_host_memory():
    with pytest.raises(tenant_sizing.SizingError) as err:
        tenant_sizing.plan_host(
            {"cpus": 8, "memory_mb": 32768, "layout": "db", "app_memory_mb": 2048}
        )
    assert str(err.value).startswith("app_memory_mb=2048 is too small")


@pytest.mark.parametrize("version", ["15.0", "16.0", "17.0", "18.0", "19.0"])
@pytest.mark.parametrize("layout", ["all-in-one", "app"])
def test_only_options_of_that_odoo_version_are_emitted(version, layout):
    plan = tenant_sizing.plan_host(
        {"cpus": 4, "memory_mb": 16384, "odoo_version": version, "layout": layout}
    )
    valid = odoo.valid_options(version)
    for role in ("web", "cron"):
        options = tenant_sizing.render_odoo_options(plan, role)
        assert set(options) <= valid, set(options) - valid
    web = tenant_sizing.render_odoo_options(plan, "web")
    major = int(float(version))
    assert ("gevent_port" in web) == (major >= 16)
    assert ("longpolling_port" in web) == (major == 15)
    assert ("db_maxconn_gevent" in web) == (major >= 17)


def test_option_catalog_matches_shared_data_when_present():
    if not SHARED.is_dir():
        pytest.skip("../shared/odoo-options is not present")
    catalog = odoo.option_catalog()
    for version, entry in catalog.items():
        source = json.loads((SHARED / f"{version}.json").read_text(encoding="utf-8"))
        assert entry["options"] == sorted(source["options"])


def test_render_postgresql_conf_has_every_setting_once():
    plan = tenant_sizing.plan_host({"cpus": 4, "memory_mb": 16384})
    text = tenant_sizing.render_postgresql_conf(plan)
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    names = [line.split(" = ", 1)[0] for line in lines]
    assert names == list(plan["postgresql"]["settings"])
    assert "shared_buffers = " + plan["postgresql"]["settings"]["shared_buffers"]["value"] in lines


def test_app_host_has_no_postgresql_and_db_host_no_odoo():
    app = tenant_sizing.plan_host({"cpus": 4, "memory_mb": 8192, "layout": "app"})
    db = tenant_sizing.plan_host({"cpus": 4, "memory_mb": 8192, "layout": "db"})
    assert app["postgresql"] is None and "postgresql" not in app["containers"]
    assert db["odoo"] is None and set(db["containers"]) == {"postgresql"}
    with pytest.raises(tenant_sizing.SizingError, match="has no PostgreSQL"):
        tenant_sizing.render_postgresql_conf(app)
    with pytest.raises(tenant_sizing.SizingError, match="runs no Odoo"):
        tenant_sizing.render_odoo_options(db)


def test_pgtune_profile_uses_pgtune_values_with_odoo_connections():
    plan = tenant_sizing.plan_host({"cpus": 4, "memory_mb": 16384, "profile": "web"})
    settings = {k: v["value"] for k, v in plan["postgresql"]["settings"].items()}
    pg_mb = plan["containers"]["postgresql"]["memory_mb"]["value"]
    cpus = int(plan["containers"]["postgresql"]["cpus"]["value"]) or None
    expected = dict(
        tenant_sizing.pgtune.pgtune(pg_mb, cpus, "ssd", 17, "web", int(settings["max_connections"]))
    )
    assert settings == expected
    assert int(settings["max_connections"]) >= plan["postgresql"]["odoo_pools"]


def test_peak_changes_only_odoo_and_reports_the_cost():
    base = tenant_sizing.plan_host({"cpus": 8, "memory_mb": 32768, "users": 30})
    peak = tenant_sizing.plan_host({"cpus": 8, "memory_mb": 32768, "users": 30, "resize": "peak"})
    assert base["postgresql"] == peak["postgresql"]
    assert peak["odoo"]["web"]["workers"]["value"] > base["odoo"]["web"]["workers"]["value"]
    assert peak["odoo"]["cron"]["max_cron_threads"]["value"] == 1
    assert "workers" in base["resize"]["changes"]
    assert any("scheduled jobs" in line for line in base["resize"]["cost"])
