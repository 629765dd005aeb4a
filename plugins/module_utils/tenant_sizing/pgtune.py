"""PGTune-compatible PostgreSQL profiles (web, oltp, dw, desktop, mixed).

A line-by-line port of PGTune's configuration selectors (le0pard/pgtune,
src/features/configuration/configurationSlice.js, 2026 version with the "DB size"
input and PostgreSQL 18 AIO settings) and of its output formatting
(src/common/components/configurationView/index.jsx). OS is always Linux here.
Values are kB integers until formatted, exactly like PGTune, so for the same
inputs (memory, CPUs, connections, storage, version) the text is identical.
"""

from __future__ import annotations

import math

from .units import KB_PER_GB, KB_PER_MB, format_pg_kb

PROFILES = ("web", "oltp", "dw", "desktop", "mixed")
DB_SIZES = ("less", "mid", "greater")  # PGTune's DB_SIZE_{LESS,MID,GREATER}_RAM; mid = no change

_DEFAULT_MAX_WORKER_PROCESSES = 8  # PGTune DEFAULT_DB_SETTINGS


def max_connections(profile: str, connections: int | None) -> int:
    """PGTune selectMaxConnections: the given number, else web 200, oltp 300, dw 40,
    desktop 20, mixed 100."""
    if connections:
        return connections
    return {"web": 200, "oltp": 300, "dw": 40, "desktop": 20, "mixed": 100}[profile]


def shared_buffers_kb(total_kb: int, profile: str) -> int:
    """PGTune selectSharedBuffers: RAM/4 (desktop RAM/16), floored (Linux: no cap)."""
    return math.floor(total_kb / 16) if profile == "desktop" else math.floor(total_kb / 4)


def huge_pages(shared_buffers: int) -> str:
    """PGTune selectHugePages: 'try' once shared_buffers >= 2GB, else 'off' (Linux)."""
    return "try" if shared_buffers >= 2 * KB_PER_GB else "off"


def effective_cache_size_kb(total_kb: int, profile: str) -> int:
    """PGTune selectEffectiveCacheSize: RAM*3/4 (desktop RAM/4), floored."""
    if profile == "desktop":
        return math.floor(total_kb / 4)
    return math.floor(total_kb * 3 / 4)


def maintenance_work_mem_kb(total_kb: int, profile: str) -> int:
    """PGTune selectMaintenanceWorkMem: RAM/16 (dw RAM/8), capped at 8GB (Linux)."""
    value = math.floor(total_kb / 8) if profile == "dw" else math.floor(total_kb / 16)
    limit = 8 * KB_PER_GB
    return limit if value >= limit else value


def wal_sizes_kb(profile: str) -> tuple[int, int]:
    """PGTune selectCheckpointSegments: (min_wal_size, max_wal_size) per profile."""
    mb = {
        "web": (1024, 4096),
        "oltp": (2048, 8192),
        "dw": (4096, 16384),
        "desktop": (100, 2048),
        "mixed": (1024, 4096),
    }[profile]
    return mb[0] * KB_PER_MB, mb[1] * KB_PER_MB


def wal_buffers_kb(shared_buffers: int) -> int:
    """PGTune selectWalBuffers: 3 % of shared_buffers, max 16MB, rounded up to 16MB
    above 14MB, at least 32kB (PostgreSQL's own auto-tuning rule since 9.1)."""
    value = math.floor(3 * shared_buffers / 100)
    max_wal_buffer = 16 * KB_PER_MB
    if value > max_wal_buffer:
        value = max_wal_buffer
    if 14 * KB_PER_MB < value < max_wal_buffer:
        value = max_wal_buffer
    return max(value, 32)


def default_statistics_target(profile: str) -> int:
    """PGTune selectDefaultStatisticsTarget: 500 for dw, else 100."""
    return 500 if profile == "dw" else 100


def random_page_cost(storage: str, profile: str, db_size: str) -> float:
    """PGTune selectRandomPageCost: 1.1 when the DB fits in RAM; hdd 4; dw 4; else 1.1."""
    if db_size == "less":
        return 1.1
    if storage == "hdd":
        return 4
    if profile == "dw":
        return 4
    return 1.1


def effective_io_concurrency(storage: str) -> int:
    """PGTune selectEffectiveIoConcurrency (Linux): hdd 2, ssd 200, san 300, nvme 1000."""
    return {"hdd": 2, "ssd": 200, "san": 300, "nvme": 1000}[storage]


def parallel_settings(cpus: int | None, profile: str, version: int) -> list[tuple[str, int]]:
    """PGTune selectParallelSettings: only from 4 CPUs; per-gather ceil(CPU/2) capped at 4
    except dw; maintenance workers ceil(CPU/2) capped at 4 (PostgreSQL 11+)."""
    if not cpus or cpus < 4:
        return []
    per_gather = math.ceil(cpus / 2)
    if profile != "dw" and per_gather > 4:
        per_gather = 4
    config = [("max_worker_processes", cpus), ("max_parallel_workers_per_gather", per_gather)]
    if version >= 10:
        config.append(("max_parallel_workers", cpus))
    if version >= 11:
        config.append(("max_parallel_maintenance_workers", min(4, math.ceil(cpus / 2))))
    return config


def work_mem_kb(
    total_kb: int,
    shared_buffers: int,
    connections: int,
    parallel: list[tuple[str, int]],
    profile: str,
    db_size: str,
) -> int:
    """PGTune selectWorkMem: (RAM - shared_buffers) / ((max_connections +
    max_worker_processes) * 3), halved for dw/mixed, /6 for desktop, +30 % when the
    DB fits in RAM, -10 % when it is larger, at least 4MB."""
    workers = dict(parallel).get("max_worker_processes") or _DEFAULT_MAX_WORKER_PROCESSES
    value = (total_kb - shared_buffers) / ((connections + workers) * 3)
    divisor = {"web": 1, "oltp": 1, "dw": 2, "desktop": 6, "mixed": 2}[profile]
    result = math.floor(value / divisor)
    if db_size == "less":
        result = math.floor(result * 1.3)
    elif db_size == "greater":
        result = math.floor(result * 0.9)
    return max(result, 4 * KB_PER_MB)


def jit(version: int, profile: str) -> str | None:
    """PGTune selectJit: 'off' for web/oltp/mixed on PostgreSQL 12+, else omitted."""
    if version >= 12 and profile in ("web", "oltp", "mixed"):
        return "off"
    return None


def wal_compression(version: int) -> str | None:
    """PGTune selectWalCompression: lz4 from PostgreSQL 15, 'on' for 10-14."""
    if version >= 15:
        return "lz4"
    if version >= 10:
        return "on"
    return None


def autovacuum_max_workers(cpus: int | None) -> int | None:
    """PGTune selectAutovacuumMaxWorkers: 5 from 32 CPUs, 4 from 16, else the default."""
    if not cpus:
        return None
    if cpus >= 32:
        return 5
    if cpus >= 16:
        return 4
    return None


def autovacuum_work_mem_kb(maintenance: int) -> int | None:
    """PGTune selectAutovacuumWorkMem: 2GB once maintenance_work_mem reaches 2GB."""
    threshold = 2 * KB_PER_GB
    return threshold if maintenance >= threshold else None


def io_workers(version: int, cpus: int | None) -> int | None:
    """PGTune selectIoWorkers (PostgreSQL 18+): CPU/4 within 3..32, only when above 3."""
    if version < 18 or not cpus:
        return None
    value = min(32, max(3, math.floor(cpus / 4)))
    return value if value > 3 else None


def io_method(version: int) -> str | None:
    """PGTune selectIoMethod: io_uring on Linux from PostgreSQL 18."""
    return "io_uring" if version >= 18 else None


def pgtune(
    memory_mb: int,
    cpus: int | None,
    storage: str,
    version: int,
    profile: str,
    connections: int | None = None,
    db_size: str = "mid",
) -> list[tuple[str, str]]:
    """The settings PGTune prints for these inputs, in PGTune's order, as conf text.

    Items PGTune leaves out (null or 0) are left out here too.
    """
    total_kb = memory_mb * KB_PER_MB
    conns = max_connections(profile, connections)
    shared = shared_buffers_kb(total_kb, profile)
    maintenance = maintenance_work_mem_kb(total_kb, profile)
    parallel = parallel_settings(cpus, profile, version)
    min_wal, max_wal = wal_sizes_kb(profile)
    av_mem = autovacuum_work_mem_kb(maintenance)
    rows: list[tuple[str, object]] = [
        ("max_connections", conns),
        ("shared_buffers", format_pg_kb(shared)),
        ("effective_cache_size", format_pg_kb(effective_cache_size_kb(total_kb, profile))),
        ("maintenance_work_mem", format_pg_kb(maintenance)),
        ("checkpoint_completion_target", 0.9),
        ("wal_buffers", format_pg_kb(wal_buffers_kb(shared))),
        ("default_statistics_target", default_statistics_target(profile)),
        ("random_page_cost", random_page_cost(storage, profile, db_size)),
        ("effective_io_concurrency", effective_io_concurrency(storage)),
        (
            "work_mem",
            format_pg_kb(work_mem_kb(total_kb, shared, conns, parallel, profile, db_size)),
        ),
        ("huge_pages", huge_pages(shared)),
        ("jit", jit(version, profile)),
        ("wal_compression", wal_compression(version)),
        ("autovacuum_max_workers", autovacuum_max_workers(cpus)),
        ("autovacuum_work_mem", format_pg_kb(av_mem) if av_mem else None),
        ("io_method", io_method(version)),
        ("io_workers", io_workers(version, cpus)),
        ("min_wal_size", format_pg_kb(min_wal)),
        ("max_wal_size", format_pg_kb(max_wal)),
        *parallel,
    ]
    if profile == "desktop":
        rows += [("wal_level", "minimal"), ("max_wal_senders", "0")]
    return [(key, _js_text(value)) for key, value in rows if value]


def _js_text(value: object) -> str:
    """Render like JavaScript's template string: 4 -> "4", 1.1 -> "1.1", 0.9 -> "0.9"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
