"""The `odoo` PostgreSQL profile: one small function per setting (pure).

Memory inputs are the PostgreSQL container's budget in MB (float). Every setting is
returned as postgresql.conf text together with the reason printed next to it.
"""

from __future__ import annotations

import math

from . import pgtune
from .units import format_pg_mb

# Connections that are not Odoo's (ours): a backup client (pg_dump or a
# pgBackRest/barman control connection) and one spare for a manual dump.
BACKUP_CONNECTIONS = 2
# postgres_exporter keeps one; one more for an ad-hoc health probe.
MONITORING_CONNECTIONS = 2
# psql sessions and migration scripts run by operators.
ADMIN_CONNECTIONS = 3
# PostgreSQL's default superuser_reserved_connections (docs, "Connection Settings").
SUPERUSER_RESERVED = 3
# Ours: private memory of an Odoo backend (catalog and relation caches of a
# database with thousands of tables), counted for the backends that run at once.
BACKEND_OVERHEAD_MB = 10.0
WAL_SHARE_OF_VOLUME = 0.20
HUGE_PAGE_MB = 2


def max_connections(odoo_pools: int, replicas: int) -> tuple[int, str]:
    """Every Odoo process's full pool + replicas + backup + monitoring + admin +
    superuser reserve. Ours (the issue's formula); PGTune uses a fixed 200.

    WAL senders have their own slots since PostgreSQL 12, so a replica costs one
    ordinary connection only (the rejoin/pg_rewind and lag checks run from it).
    """
    total = (
        odoo_pools
        + replicas
        + BACKUP_CONNECTIONS
        + MONITORING_CONNECTIONS
        + ADMIN_CONNECTIONS
        + SUPERUSER_RESERVED
    )
    reason = (
        f"Odoo pools {odoo_pools} + replicas {replicas} + backup {BACKUP_CONNECTIONS}"
        f" + monitoring {MONITORING_CONNECTIONS} + admin {ADMIN_CONNECTIONS}"
        f" + superuser reserve {SUPERUSER_RESERVED} (ours)"
    )
    return total, reason


def shared_buffers_mb(pg_mb: float) -> float:
    """25 % of PostgreSQL's memory. Source: PostgreSQL docs, shared_buffers ("a
    reasonable starting value ... is 25% of the memory in your system"); here the
    container's budget, not the host's."""
    return math.floor(pg_mb * 0.25)


def effective_cache_size_mb(pg_mb: float) -> float:
    """75 % of PostgreSQL's memory: PGTune's ratio applied to the container budget,
    because the page cache of the data files is charged to the container's cgroup."""
    return math.floor(pg_mb * 0.75)


def maintenance_work_mem_mb(pg_mb: float) -> float:
    """PostgreSQL's memory / 16 (PGTune's ratio), 64 MB to 2 GB. Ours for the
    bounds: below 64 MB index builds spill; above 2 GB gains little for Odoo."""
    return float(min(2048, max(64, math.floor(pg_mb / 16))))


def autovacuum_work_mem_mb(maintenance_mb: float) -> float:
    """min(maintenance_work_mem, 1 GB): before PostgreSQL 17 autovacuum could not
    use more than 1 GB for dead tuples (docs, autovacuum_work_mem); each of the
    autovacuum workers may take this much, so it is budgeted per worker."""
    return min(maintenance_mb, 1024.0)


def autovacuum_max_workers(pg_cpus: float) -> int:
    """Half the PostgreSQL CPUs, 3 to 6. Ours: Odoo has many hot tables (bus_bus,
    mail_message, ir_attachment, stock_move, account_move_line) that want
    concurrent vacuums; PGTune only raises the default from 16 CPUs."""
    return int(min(6, max(3, math.ceil(round(pg_cpus / 2, 6)))))


def parallel_workers(pg_cpus: float) -> dict[str, int]:
    """Parallel query settings from PostgreSQL's CPU budget. Ours, after PGTune:
    max_parallel_workers = CPUs; per gather CPUs/2 capped at 4 (0 below 2 CPUs:
    Odoo's short ORM queries gain nothing); maintenance ceil(CPUs/2) capped at 4;
    max_worker_processes at least PostgreSQL's default 8."""
    whole = max(1, math.floor(round(pg_cpus, 6)))
    return {
        "max_worker_processes": max(8, whole),
        "max_parallel_workers": whole,
        "max_parallel_workers_per_gather": min(4, whole // 2),
        "max_parallel_maintenance_workers": min(4, max(1, math.ceil(whole / 2))),
    }


def work_mem_mb(
    pg_mb: float,
    shared_mb: float,
    maintenance_mb: float,
    av_workers: int,
    av_mem_mb: float,
    active_backends: int,
    parallel: int,
) -> float:
    """work_mem from what is left of PostgreSQL's budget. Ours, PGTune's rule refined:

    (budget - shared_buffers - maintenance_work_mem - autovacuum workers x
    autovacuum_work_mem - active backends x 10 MB) / ((active backends + parallel
    workers) x 3), 4 MB to 1 GB. Active backends are the Odoo processes that can run
    a query at the same time (one per process), not every pooled connection; x3 is
    PGTune's allowance for several sort/hash nodes per query.
    """
    left = (
        pg_mb
        - shared_mb
        - maintenance_mb
        - av_workers * av_mem_mb
        - active_backends * BACKEND_OVERHEAD_MB
    )
    value = left / ((active_backends + parallel) * 3)
    return float(min(1024, max(4, math.floor(value))))


def wal_budget_mb(data_volume_gb: float) -> float:
    """WAL may use at most a fifth of the data volume. Ours: max_wal_size +
    wal_keep_size + max_slot_wal_keep_size stay inside it, so neither a checkpoint
    backlog nor a dead replica slot can fill the disk."""
    return data_volume_gb * 1024 * WAL_SHARE_OF_VOLUME


def max_wal_size_mb(wal_budget: float) -> float:
    """40 % of the WAL budget, at most 16 GB (PGTune's dw value). Ours."""
    return float(min(16384, math.floor(wal_budget * 0.4)))


def min_wal_size_mb(max_wal: float) -> float:
    """A quarter of max_wal_size, at most 1 GB (PGTune's web value). Ours."""
    return float(min(1024, math.floor(max_wal / 4)))


def wal_keep_size_mb(wal_budget: float) -> float:
    """10 % of the WAL budget, at most 1 GB: lets a briefly disconnected replica
    without a slot catch up. Ours."""
    return float(min(1024, math.floor(wal_budget * 0.1)))


def max_slot_wal_keep_size_mb(wal_budget: float, max_wal: float, keep: float) -> float:
    """The rest of the WAL budget. PostgreSQL docs: a slot may retain WAL without
    limit unless this is set; past it the slot is invalidated instead of the disk
    filling up."""
    return float(math.floor(wal_budget - max_wal - keep))


def max_wal_senders(replicas: int) -> int:
    """Replicas + 2 for a streaming pg_basebackup (-X stream uses two) + 1 spare
    for a reconnect (PostgreSQL docs advise 'slightly higher' than needed)."""
    return replicas + 3


def max_replication_slots(replicas: int) -> int:
    """One slot per replica + one for a backup tool + one spare. Ours."""
    return replicas + 2


def autovacuum_cost_limit(storage: str) -> int:
    """Vacuum I/O budget: 2000 on flash, 400 on hdd (PostgreSQL's effective default
    is 200). Ours: Odoo's churn outpaces the default on any disk."""
    return 400 if storage == "hdd" else 2000


def huge_pages_setting(mode: str, shared_mb: float) -> tuple[str, bool, str]:
    """huge_pages and whether the host reserves pages (vm.nr_hugepages).

    auto: reserve from 2GB of shared_buffers (PGTune's threshold for 'try');
    reserve: always; off: never. We use 'try' even when reserving, so PostgreSQL
    still starts if the sysctl could not be applied (docs, huge_pages).
    """
    reserve = mode == "reserve" or (mode == "auto" and shared_mb >= 2048)
    if reserve:
        return (
            "try",
            True,
            f"hugepages={mode}: host reserves pages; 'try' still starts without them",
        )
    return "off", False, f"hugepages={mode}: no pages reserved (PGTune uses 'try' from 2GB)"


def nr_hugepages(shared_mb: float, wal_buffers_mb: float, connections: int) -> int:
    """vm.nr_hugepages (2 MB pages) for the main shared memory segment. Ours:
    shared_buffers + 3 % (buffer descriptors, checkpointer queue) + wal_buffers +
    64 MB of fixed structures + 0.1 MB per connection (lock and proc tables).
    Cross-checked against PostgreSQL 17's shared_memory_size_in_huge_pages by the
    integration test."""
    total = shared_mb * 1.03 + wal_buffers_mb + 64 + connections * 0.1
    return math.ceil(total / HUGE_PAGE_MB)


def shm_size_mb(parallel: int, work_mem: float, version: int, pg_mb: float) -> int:
    """Container /dev/shm: parallel hash tables live in dynamic shared memory
    (dynamic_shared_memory_type=posix), up to work_mem x hash_mem_multiplier (2.0 from
    PostgreSQL 15, 1.0 before) per worker; plus 64 MB, rounded up to 64 MB, at
    least 128 MB (Docker's 64 MB default is too small) and at most half of
    PostgreSQL's budget (the tmpfs is charged to the container). Ours."""
    multiplier = 2.0 if version >= 15 else 1.0
    need = 64 + parallel * work_mem * multiplier
    cap = max(128, math.floor(pg_mb / 2 / 64) * 64)
    return int(min(cap, max(128, math.ceil(need / 64) * 64)))


def odoo_profile(
    *,
    pg_mb: float,
    pg_cpus: float,
    storage: str,
    version: int,
    data_volume_gb: float,
    replicas: int,
    odoo_pools: int,
    active_backends: int,
    hugepages_mode: str,
) -> tuple[list[tuple[str, str, str]], dict[str, object]]:
    """All settings of the `odoo` profile plus derived host/container facts."""
    rows: list[tuple[str, str, str]] = []

    def add(name: str, value: object, reason: str) -> None:
        rows.append((name, value if isinstance(value, str) else _text(value), reason))

    conns, conns_reason = max_connections(odoo_pools, replicas)
    shared = shared_buffers_mb(pg_mb)
    maintenance = maintenance_work_mem_mb(pg_mb)
    av_mem = autovacuum_work_mem_mb(maintenance)
    av_workers = autovacuum_max_workers(pg_cpus)
    parallel = parallel_workers(pg_cpus)
    work_mem = work_mem_mb(
        pg_mb,
        shared,
        maintenance,
        av_workers,
        av_mem,
        active_backends,
        parallel["max_parallel_workers"],
    )
    # PGTune's rule, rounded down to whole 8kB pages so SHOW returns the same text.
    wal_buffers_kb = pgtune.wal_buffers_kb(int(shared) * 1024) // 8 * 8
    wal_budget = wal_budget_mb(data_volume_gb)
    max_wal = max_wal_size_mb(wal_budget)
    keep = wal_keep_size_mb(wal_budget)
    huge, reserve, huge_reason = huge_pages_setting(hugepages_mode, shared)

    add("max_connections", conns, conns_reason)
    add("superuser_reserved_connections", SUPERUSER_RESERVED, "PostgreSQL default, made explicit")
    add("shared_buffers", format_pg_mb(shared), f"25% of PostgreSQL's {pg_mb:.0f}MB (PG docs)")
    add(
        "effective_cache_size",
        format_pg_mb(effective_cache_size_mb(pg_mb)),
        "75% of PostgreSQL's budget (PGTune ratio, container page cache)",
    )
    add(
        "work_mem",
        format_pg_mb(work_mem),
        f"budget left after shared_buffers/maintenance/autovacuum over"
        f" ({active_backends} active backends + {parallel['max_parallel_workers']} parallel) x 3"
        " (ours, PGTune rule)",
    )
    add("maintenance_work_mem", format_pg_mb(maintenance), "budget/16, 64MB..2GB (PGTune ratio)")
    add("autovacuum_work_mem", format_pg_mb(av_mem), "maintenance_work_mem, at most 1GB per worker")
    add("huge_pages", huge, huge_reason)
    add(
        "wal_buffers",
        pgtune.format_pg_kb(wal_buffers_kb),
        "3% of shared_buffers, max 16MB (PGTune, PG auto-tuning)",
    )
    add("wal_level", "replica", "streaming replicas and base backups need it")
    add(
        "max_wal_senders",
        max_wal_senders(replicas),
        f"{replicas} replicas + 2 basebackup + 1 spare",
    )
    add(
        "max_replication_slots",
        max_replication_slots(replicas),
        f"{replicas} replicas + 1 backup + 1 spare",
    )
    add("hot_standby", "on", "replicas answer read-only queries (Odoo 18 db_replica_host)")
    add("wal_log_hints", "on", "pg_rewind needs it to rejoin a former primary")
    add("wal_keep_size", format_pg_mb(keep), "10% of the WAL budget, at most 1GB (ours)")
    add(
        "max_wal_size",
        format_pg_mb(max_wal),
        f"40% of the WAL budget ({wal_budget:.0f}MB = 20% of the data volume), max 16GB (ours)",
    )
    add("min_wal_size", format_pg_mb(min_wal_size_mb(max_wal)), "max_wal_size/4, at most 1GB")
    add(
        "max_slot_wal_keep_size",
        format_pg_mb(max_slot_wal_keep_size_mb(wal_budget, max_wal, keep)),
        "rest of the WAL budget: a dead slot is invalidated before the disk fills",
    )
    add("checkpoint_timeout", "15min", "fewer full-page writes than the 5min default (ours)")
    add("checkpoint_completion_target", 0.9, "PGTune; PostgreSQL 14+ default")
    add(
        "wal_compression",
        pgtune.wal_compression(version) or "off",
        "PGTune: lz4 from PG15, pglz before",
    )
    add(
        "random_page_cost",
        pgtune.random_page_cost(storage, "web", "mid"),
        f"PGTune value for {storage}",
    )
    add(
        "effective_io_concurrency",
        pgtune.effective_io_concurrency(storage),
        f"PGTune value for {storage}",
    )
    add("default_statistics_target", 100, "PGTune web/oltp value (PostgreSQL default)")
    add("jit", "off", "Odoo's ORM queries are short; JIT only adds planning time (PGTune)")
    for name, value in parallel.items():
        add(name, value, f"from PostgreSQL's {pg_cpus:.2f} CPUs (ours, after PGTune)")
    add(
        "autovacuum_max_workers",
        av_workers,
        "half the CPUs, 3..6: Odoo's many hot tables (ours)",
    )
    add("autovacuum_naptime", "20s", "Odoo's bus/mail/queue tables churn fast (ours; default 1min)")
    add("autovacuum_vacuum_scale_factor", 0.05, "vacuum at 5% dead rows (ours; default 20%)")
    add("autovacuum_analyze_scale_factor", 0.02, "analyze at 2% changes (ours; default 10%)")
    add(
        "autovacuum_vacuum_insert_scale_factor",
        0.05,
        "append-heavy mail/log tables (ours; default 20%)",
    )
    add(
        "autovacuum_vacuum_cost_limit",
        autovacuum_cost_limit(storage),
        f"vacuum I/O budget on {storage}",
    )
    add("autovacuum_vacuum_cost_delay", "2ms", "PostgreSQL 12+ default, made explicit")
    facts: dict[str, object] = {
        "max_connections": conns,
        "shared_buffers_mb": shared,
        "work_mem_mb": work_mem,
        "huge_pages_reserved": reserve,
        "nr_hugepages": nr_hugepages(shared, wal_buffers_kb / 1024, conns) if reserve else 0,
        "shm_size_mb": shm_size_mb(parallel["max_parallel_workers"], work_mem, version, pg_mb),
    }
    return rows, facts


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
