"""Odoo Tenant Kit sizing core: pure Python, standard library only, no Ansible.

Imported as ``tenant_sizing`` (pip install, CLI, pytest) and as
``ansible.module_utils.tenant_sizing`` (modules); hence relative imports only.

Public API
----------
``plan_host(inputs: dict) -> dict``
    Inputs (only ``cpus`` and ``memory_mb`` are required):

    ============== =============================================================
    cpus           CPUs of the host (may be fractional: a cgroup quota)
    memory_mb      MiB, or text with a unit ("16G", "4096M")
    layout         "all-in-one" (default) | "app" | "db"
    odoo_version   15..19 (default "17.0")
    pg_version     13..18 (default 17)
    storage        "nvme" | "ssd" (default) | "san" | "hdd"
    data_volume_gb size of the PostgreSQL data volume (default 100, minimum 10)
    users          expected concurrent users (default: size from CPUs)
    profile        "odoo" (default) | PGTune "web" | "oltp" | "dw" | "desktop" | "mixed"
    resize         "baseline" (default) | "peak"
    replicas       streaming replicas of the primary (default 1)
    hugepages      "auto" (reserve from 2GB of shared_buffers) | "reserve" | "off"
    pg_connections override max_connections (never below the Odoo pools)
    app_cpus, app_memory_mb, app_hosts   db layout: the app hosts that connect
    ============== =============================================================

    Returns a JSON-serialisable dict. Every planned value is ``{"value", "reason"}``::

        plan_version  1
        inputs        the normalised inputs
        budget        {"memory_mb": {part: item}, "cpus": {part: item}}; parts are
                      host, os_and_docker, traefik, redis, odoo_web, odoo_cron,
                      postgresql, unallocated (by layout); parts sum to the host
        odoo          None on db hosts, else {"version", "sizing": {item},
                      "web": {odoo.conf option: item}, "cron": {option: item}}
        postgresql    None on app hosts, else {"version", "profile",
                      "settings": {name: item with postgresql.conf text},
                      "host": {"vm.nr_hugepages": item}, "huge_pages_reserved",
                      "odoo_pools"}
        redis         None on db hosts, else {"maxmemory", "maxmemory-policy"}
        containers    {service: {"memory_mb", "cpus"[, "shm_size_mb"]}} for
                      odoo-web, odoo-cron, postgresql, redis, traefik (by layout)
        resize        {"profile", "alternative", "changes", "cost": [str]}
        notes         [str]

``render_postgresql_conf(plan) -> str`` and ``render_odoo_options(plan, role="web")
-> dict`` format a plan; ``pgtune.pgtune(...)`` is the PGTune port on its own.

Bad input raises ``SizingError`` with a one-line message naming the input, the
value and the minimum (or allowed values) that would work.
"""

from .errors import SizingError
from .plan import plan_host
from .render import render_odoo_options, render_postgresql_conf

__all__ = ["SizingError", "plan_host", "render_odoo_options", "render_postgresql_conf"]
