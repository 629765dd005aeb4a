"""Hypothesis properties of plan_host: budgets, monotonicity, connection coverage."""

from __future__ import annotations

import math

import pytest
import tenant_sizing
from conftest import flatten
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tenant_sizing.units import pg_size_to_kb

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

layouts = st.sampled_from(["all-in-one", "app", "db"])
odoo_versions = st.sampled_from(["15.0", "16.0", "17.0", "18.0", "19.0"])
pg_versions = st.integers(min_value=13, max_value=18)
storages = st.sampled_from(["nvme", "ssd", "san", "hdd"])
users = st.one_of(st.none(), st.integers(min_value=1, max_value=400))


def _plan(**inputs):
    try:
        return tenant_sizing.plan_host(inputs)
    except tenant_sizing.SizingError:
        return None


# huge_pages grows from off to try (pages reserved) as shared_buffers grows.
HUGE_PAGES_ORDER = {"off": 0, "try": 1, "on": 2}


def _numeric(value):
    """Comparable number for a planned value (sizes in kB, booleans excluded)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    if value in HUGE_PAGES_ORDER:
        return HUGE_PAGES_ORDER[value]
    try:
        # Redis spells megabytes "mb"; PostgreSQL "MB".
        return pg_size_to_kb(str(value).replace("mb", "MB"))
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return None


@SETTINGS
@given(
    cpus=st.floats(min_value=0.5, max_value=64).map(lambda c: round(c, 2)),
    memory=st.integers(min_value=1024, max_value=512 * 1024),
    layout=layouts,
    odoo_version=odoo_versions,
    user_count=users,
)
def test_budget_parts_never_exceed_the_host(cpus, memory, layout, odoo_version, user_count):
    plan = _plan(
        cpus=cpus, memory_mb=memory, layout=layout, odoo_version=odoo_version, users=user_count
    )
    assume(plan is not None)
    mem = plan["budget"]["memory_mb"]
    cpu = plan["budget"]["cpus"]
    parts = [v["value"] for k, v in mem.items() if k not in ("host", "unallocated")]
    assert all(p >= 0 for p in parts)
    assert sum(parts) <= memory
    assert mem["unallocated"]["value"] >= 0
    cpu_parts = [v["value"] for k, v in cpu.items() if k not in ("host", "unallocated")]
    assert round(sum(cpu_parts), 2) <= cpus
    # Containers are exactly the budget parts: nothing is limited above its share.
    total_containers = sum(c["memory_mb"]["value"] for c in plan["containers"].values())
    assert total_containers == sum(parts) - mem["os_and_docker"]["value"]
    if plan["odoo"]:
        # One worker at limit_memory_hard (+ the others light) fits its container.
        hard_mb = plan["odoo"]["web"]["limit_memory_hard"]["value"] / 2**20
        workers = plan["odoo"]["web"]["workers"]["value"]
        web = plan["containers"]["odoo-web"]["memory_mb"]["value"]
        assert web >= 250 + (workers - 1) * 150 + hard_mb - 1


@SETTINGS
@given(
    cpus=st.floats(min_value=0.5, max_value=64).map(lambda c: round(c, 2)),
    memory=st.integers(min_value=1024, max_value=512 * 1024),
    layout=st.sampled_from(["all-in-one", "db"]),
    odoo_version=odoo_versions,
    pg_version=pg_versions,
    replicas=st.integers(min_value=0, max_value=5),
    profile=st.sampled_from(["odoo", "web", "oltp", "dw", "mixed"]),
    user_count=users,
)
def test_max_connections_cover_the_odoo_pools(
    cpus, memory, layout, odoo_version, pg_version, replicas, profile, user_count
):
    plan = _plan(
        cpus=cpus,
        memory_mb=memory,
        layout=layout,
        odoo_version=odoo_version,
        pg_version=pg_version,
        replicas=replicas,
        profile=profile,
        users=user_count,
    )
    assume(plan is not None)
    max_conn = int(plan["postgresql"]["settings"]["max_connections"]["value"])
    reserved = int(
        plan["postgresql"]["settings"].get("superuser_reserved_connections", {"value": 3})["value"]
    )
    pools = plan["postgresql"]["odoo_pools"]
    assert max_conn - reserved >= pools
    if plan["odoo"]:
        # Recompute the pools from the emitted odoo.conf options of both containers.
        web = plan["odoo"]["web"]
        cron = plan["odoo"]["cron"]
        per = web["db_maxconn"]["value"]
        gevent = web.get("db_maxconn_gevent", web["db_maxconn"])["value"]
        emitted = (web["workers"]["value"] + 1) * per + gevent
        emitted += (cron["max_cron_threads"]["value"] + 1) * cron["db_maxconn"]["value"]
        assert pools >= emitted


# Outputs that must not shrink when the host gets more memory (everything else equal).
MEMORY_MONOTONIC_EXCLUDED = {"budget.memory_mb.unallocated", "budget.cpus.unallocated"}


@SETTINGS
@given(
    cpus=st.floats(min_value=0.5, max_value=48).map(lambda c: round(c, 2)),
    memory=st.integers(min_value=1024, max_value=256 * 1024),
    extra=st.integers(min_value=1, max_value=64 * 1024),
    layout=layouts,
    storage=storages,
    user_count=users,
    odoo_version=odoo_versions,
)
def test_outputs_grow_with_memory(cpus, memory, extra, layout, storage, user_count, odoo_version):
    common = dict(
        cpus=cpus, layout=layout, storage=storage, users=user_count, odoo_version=odoo_version
    )
    small = _plan(memory_mb=memory, **common)
    assume(small is not None)
    big = _plan(memory_mb=memory + extra, **common)
    assert big is not None, "a host that fits must still fit with more memory"
    a, b = flatten(small), flatten(big)
    for key, value in a.items():
        if key in MEMORY_MONOTONIC_EXCLUDED:
            continue
        x, y = _numeric(value), _numeric(b[key])
        if x is None or y is None:
            assert value == b[key], key
            continue
        assert y >= x, f"{key}: {value} -> {b[key]} with +{extra}MB"


# Outputs that must not shrink when the host gets more CPUs. On shared hosts
# (all-in-one) more CPUs mean more Odoo workers, which take memory from PostgreSQL
# and split its work_mem among more backends, so memory sizes are checked only where
# CPUs do not move memory (counts, CPU limits, the Odoo side).
def _cpu_monotonic(key: str) -> bool:
    if key.startswith(("budget.cpus.", "odoo.sizing.", "containers.")) and key.endswith(
        ("cpus", "cpu_worker_limit", "cron_threads", "users_worker_need")
    ):
        return not key.endswith("unallocated")
    return key in {
        "odoo.web.workers",
        "odoo.cron.max_cron_threads",
        "postgresql.settings.max_connections",
        "postgresql.settings.max_worker_processes",
        "postgresql.settings.max_parallel_workers",
        "postgresql.settings.max_parallel_workers_per_gather",
        "postgresql.settings.max_parallel_maintenance_workers",
        "postgresql.settings.autovacuum_max_workers",
        "budget.memory_mb.odoo_web",
        "containers.odoo-web.memory_mb",
    }


@SETTINGS
@given(
    cpus=st.floats(min_value=0.5, max_value=48).map(lambda c: round(c, 2)),
    extra=st.floats(min_value=0.01, max_value=32).map(lambda c: round(c, 2)),
    memory=st.integers(min_value=2048, max_value=512 * 1024),
    layout=layouts,
    user_count=users,
    odoo_version=odoo_versions,
)
def test_counts_grow_with_cpus(cpus, extra, memory, layout, user_count, odoo_version):
    assume(extra > 0)
    common = dict(memory_mb=memory, layout=layout, users=user_count, odoo_version=odoo_version)
    small = _plan(cpus=cpus, **common)
    big = _plan(cpus=round(cpus + extra, 2), **common)
    assume(small is not None and big is not None)
    a, b = flatten(small), flatten(big)
    checked = [k for k in a if _cpu_monotonic(k)]
    assert checked
    for key in checked:
        x, y = _numeric(a[key]), _numeric(b[key])
        if x is None:
            continue
        assert y >= x, f"{key}: {a[key]} -> {b[key]} with +{extra} CPUs"


@pytest.mark.parametrize("memory", [1024, 2048, 3000, 3927])
def test_too_small_all_in_one_names_a_minimum_that_works(memory):
    with pytest.raises(tenant_sizing.SizingError) as err:
        tenant_sizing.plan_host({"cpus": 2, "memory_mb": memory})
    message = str(err.value)
    assert message.startswith(f"memory_mb={memory} is too small")
    minimum = int(message.rsplit("minimum ", 1)[1].split()[0])
    tenant_sizing.plan_host({"cpus": 2, "memory_mb": minimum})
    with pytest.raises(tenant_sizing.SizingError):
        tenant_sizing.plan_host({"cpus": 2, "memory_mb": minimum - 1})
    assert math.isfinite(minimum)
