"""Odoo worker, limit and pool sizing (pure functions).

Numbers are floats internally and rounded only when a value is emitted, so that
every output is monotonic in the host's memory and CPUs.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

# Odoo deployment guide, "Worker number calculation" / "Memory size calculation"
# (https://www.odoo.com/documentation/17.0/administration/on_premise/deploy.html):
LIGHT_WORKER_MB = 150.0
HEAVY_WORKER_MB = 1024.0
LIGHT_RATIO = 0.8
HEAVY_RATIO = 0.2
USERS_PER_WORKER = 6
# Ours: the prefork master holds no registry of its own beyond a cursor for the
# signalling check, so it is smaller than a light worker.
MASTER_MB = 100.0
# Ours: the gevent (websocket) process is counted as one light worker.
GEVENT_MB = LIGHT_WORKER_MB
# Odoo's own defaults for limit_memory_hard / limit_memory_soft (odoo/tools/config.py:
# 2684354560 and 2147483648 bytes), i.e. 2560 MiB and a soft/hard ratio of 0.8.
ODOO_DEFAULT_HARD_MB = 2560.0
SOFT_TO_HARD = 0.8
MIN_HTTP_WORKERS = 2
WEBSOCKET_PORT = 8072


def average_worker_mb() -> float:
    """Expected memory of one worker: 80 % light (150 MB) + 20 % heavy (1 GB).

    Source: Odoo deployment guide, "Needed RAM = #worker * ((light_worker_ratio *
    light_worker_ram_estimation) + (heavy_worker_ratio * heavy_worker_ram_estimation))".
    """
    return LIGHT_RATIO * LIGHT_WORKER_MB + HEAVY_RATIO * HEAVY_WORKER_MB


def cpu_worker_limit(odoo_cpus: float) -> int:
    """Theoretical maximal number of HTTP workers: (#CPU * 2) + 1.

    Source: Odoo deployment guide, "Rule of thumb : (#CPU * 2) + 1". Fractional CPU
    budgets (cgroup quotas, shared hosts) are floored after doubling.
    """
    return math.floor(round(odoo_cpus * 2, 6)) + 1


def users_worker_need(users: int | None) -> int | None:
    """Workers needed for the expected concurrent users: ceil(users / 6).

    Source: Odoo deployment guide, "1 worker ~= 6 concurrent users".
    """
    if users is None:
        return None
    return math.ceil(users / USERS_PER_WORKER)


def cron_threads(http_workers: int) -> int:
    """Cron worker processes for the separate cron container: one per 8 HTTP
    workers, 1..4. Ours, after the guide's sample ("We'll use 8 workers + 1 for
    cron"); scheduled jobs rarely parallelise beyond 4. Deriving it from the HTTP
    workers (not the CPUs) keeps both counts monotonic in memory and CPUs.
    """
    return int(min(4, max(1, math.ceil(http_workers / 8))))


def http_worker_target(odoo_cpus: float, users: int | None, resize: str, base_cron: int) -> int:
    """HTTP workers wanted before the memory cap.

    baseline: the guide's user estimate when users are given, never above the CPU
    rule, never below 2 (one slow request must not block everybody).
    peak (ours): the CPU rule plus the cron processes handed over to HTTP, since the
    peak profile runs a single cron worker.
    """
    cpu_limit = cpu_worker_limit(odoo_cpus)
    if resize == "peak":
        return max(MIN_HTTP_WORKERS, cpu_limit + base_cron - 1)
    need = users_worker_need(users)
    target = cpu_limit if need is None else min(cpu_limit, need)
    return max(MIN_HTTP_WORKERS, target)


def limit_memory_hard_mb(odoo_budget_mb: float) -> float:
    """limit_memory_hard: a fifth of Odoo's memory, between 1 GB and 2.5 GB.

    Ours, bounded by sources: the floor is the guide's 1 GB heavy-worker estimate
    (a lower hard limit would kill ordinary heavy requests); the ceiling is Odoo's
    default 2560 MiB. One process may use at most a fifth of the Odoo budget so a
    runaway report cannot starve the other workers.
    """
    return min(ODOO_DEFAULT_HARD_MB, max(HEAVY_WORKER_MB, odoo_budget_mb * 0.2))


def limit_memory_soft_mb(hard_mb: float) -> float:
    """limit_memory_soft = 0.8 x limit_memory_hard, Odoo's own default ratio (2048/2560)."""
    return hard_mb * SOFT_TO_HARD


def web_container_mb(workers: int, hard_mb: float) -> float:
    """Memory the web container needs (master + gevent + HTTP workers).

    Ours, from the guide's estimate: the larger of every worker at the guide's
    average, or one worker at limit_memory_hard while the others stay light, so the
    container limit never fires before Odoo's own limit does.
    """
    base = MASTER_MB + GEVENT_MB
    guide = base + workers * average_worker_mb()
    one_at_hard = base + (workers - 1) * LIGHT_WORKER_MB + hard_mb
    return max(guide, one_at_hard)


def cron_container_mb(threads: int, hard_mb: float) -> float:
    """Memory the cron container needs (master + cron workers), same rule as the web one."""
    guide = MASTER_MB + threads * average_worker_mb()
    one_at_hard = MASTER_MB + (threads - 1) * LIGHT_WORKER_MB + hard_mb
    return max(guide, one_at_hard)


def odoo_need_mb(workers: int, threads: int, hard_mb: float) -> float:
    """Web + cron container memory for a worker mix, plus 2 MB for rounding the limits up."""
    return web_container_mb(workers, hard_mb) + cron_container_mb(threads, hard_mb) + 2


def memory_worker_cap(odoo_budget_mb: float, peak: bool = False) -> int:
    """Most HTTP workers that fit the Odoo memory budget together with their cron
    workers (cron_threads(W), or 1 in the peak profile); 0 if not even one fits."""
    hard = limit_memory_hard_mb(odoo_budget_mb)
    workers = 0
    # Linear scan: the cap is small (hundreds at most) and the need is not linear.
    while workers < 4096:
        nxt = workers + 1
        threads = 1 if peak else cron_threads(nxt)
        if odoo_need_mb(nxt, threads, hard) > odoo_budget_mb:
            break
        workers = nxt
    return workers


def db_maxconn(major: int) -> int:
    """Per-process pool size (db_maxconn). Ours.

    A prefork worker serves one request at a time: one cursor, plus a few for
    nested registry.cursor() transactions (bus, mail queue, cron locks), so 4 is
    ample. Before 17 the gevent process shares this option, and it multiplexes
    many websockets, so we keep 8 there. Odoo's default (64) would make
    max_connections absurd once multiplied by the process count.
    """
    return 4 if major >= 17 else 8


def db_maxconn_gevent(major: int) -> int | None:
    """Pool of the gevent process (db_maxconn_gevent exists from Odoo 17). Ours: 16,
    as it serves every websocket of the tenant concurrently."""
    return 16 if major >= 17 else None


def pool_connections(workers: int, threads: int, major: int) -> dict[str, int]:
    """Connections each Odoo container can open at most (every process's full pool).

    Processes: web = master + HTTP workers + gevent; cron = master + cron workers
    (Odoo's PreforkServer spawns only cron workers when http_enable is false).
    """
    per = db_maxconn(major)
    gevent = db_maxconn_gevent(major) or per
    return {"web": (workers + 1) * per + gevent, "cron": (threads + 1) * per}


@lru_cache(maxsize=1)
def option_catalog() -> dict[str, Any]:
    """Valid odoo.conf keys per Odoo major (data/odoo_options.json)."""
    path = Path(__file__).with_name("data") / "odoo_options.json"
    return json.loads(path.read_text(encoding="utf-8"))["versions"]


def valid_options(version: str) -> frozenset[str]:
    """Option names odoo.conf accepts in that version (extracted from odoo/tools/config.py)."""
    return frozenset(option_catalog()[version]["options"])


def websocket_port_option(major: int) -> str:
    """gevent_port from Odoo 16 (longpolling_port deprecated there, gone in 18);
    longpolling_port before. Source: odoo/tools/config.py of each major."""
    return "gevent_port" if major >= 16 else "longpolling_port"
