"""Memory and CPU budget of one host, per layout (pure functions).

All amounts are floats until emitted; emitted values are floored (MB, 0.01 CPU),
so the printed parts never sum above the host.
"""

from __future__ import annotations

# Ours: the PostgreSQL container never gets less than this on a shared host;
# below it shared_buffers + a handful of Odoo backends do not fit.
PG_MIN_MB = 512.0
# Ours: on all-in-one hosts PostgreSQL keeps at least this share of what is left
# after the OS, Traefik and Redis; Odoo's worker need decides the rest.
PG_MIN_SHARE = 0.20
# Ours: on all-in-one hosts PostgreSQL gets 40 % of the CPU left for the two.
PG_CPU_SHARE = 0.40


def os_reserve_mb(memory_mb: float) -> float:
    """Memory left to the kernel, sshd, dockerd and containerd. Ours.

    256 MB for the daemons plus 5 % for page tables, slab and the page cache that
    Docker's overlay metadata needs; at least 384 MB, at most 2 GB.
    """
    return min(2048.0, max(384.0, 256.0 + memory_mb * 0.05))


def os_reserve_cpus(cpus: float) -> float:
    """CPU kept free for the OS and Docker: 5 %, at least 0.1. Ours."""
    return max(0.1, cpus * 0.05)


def traefik_mb() -> float:
    """Traefik container memory: 128 MB. Ours (a TLS-terminating proxy for one
    tenant stays well under 100 MB resident)."""
    return 128.0


def small_service_cpus(cpus: float) -> float:
    """CPU cap for Traefik and for Redis: 5 % of the host, 0.1 to 1 CPU. Ours (both
    are mostly single-threaded and idle for one tenant)."""
    return min(1.0, max(0.1, cpus * 0.05))


def redis_maxmemory_mb(memory_mb: float) -> float:
    """Redis maxmemory: 1 % of the host, 64 MB to 1 GB. Ours (sessions and small
    caches of one tenant)."""
    return min(1024.0, max(64.0, memory_mb * 0.01))


def redis_container_mb(maxmemory_mb: float) -> float:
    """Redis container memory: 2 x maxmemory + 32 MB. Ours: a BGSAVE fork can
    duplicate every page it touches (copy-on-write, Redis docs "Memory
    optimization"), plus client buffers."""
    return 2 * maxmemory_mb + 32.0


def split_all_in_one(remaining_mb: float, odoo_need_mb: float) -> tuple[float, float]:
    """Split memory between Odoo and PostgreSQL on an all-in-one host. Ours.

    PostgreSQL keeps at least max(512 MB, 20 %) of the remainder; Odoo gets what
    its wanted worker mix needs (never more), and PostgreSQL takes everything
    else. Returns (odoo_mb, postgresql_mb).
    """
    pg_floor = max(PG_MIN_MB, remaining_mb * PG_MIN_SHARE)
    odoo = max(0.0, min(remaining_mb - pg_floor, odoo_need_mb))
    return odoo, remaining_mb - odoo
