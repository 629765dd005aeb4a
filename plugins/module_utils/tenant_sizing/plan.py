"""plan_host(): one plan dict per host, computed once, every value with its reason."""

from __future__ import annotations

import math
from typing import Any

from . import budget, odoo, pgtune, postgresql
from .errors import SizingError
from .inputs import normalise
from .units import MIB
from .units import cpus as cpu_out

PLAN_VERSION = 1
LIMIT_TIME_CPU = 600  # Odoo deployment guide, configuration sample
LIMIT_TIME_REAL = 1200  # Odoo deployment guide, configuration sample
LIMIT_REQUEST = 8192  # Odoo deployment guide, configuration sample (recycles leaky workers)
CRON_TIME_LIMIT = 3600  # ours: long nightly jobs finish, a stuck one is still killed
CRON_CPU_SHARE = {"baseline": 0.2, "peak": 0.1}  # ours: share of Odoo's CPUs for cron
# Redis's eviction policy for the session store (ours). session_redis writes every
# session with a TTL (ODOO_SESSION_REDIS_EXPIRATION 7 days, _ANONYMOUS 3 hours); under
# volatile-ttl Redis evicts, among keys that carry a TTL, those nearest to expiry first
# (Redis docs, "Key eviction"), so the anonymous sessions every bot or probe on
# /web/login creates go before users' sessions. volatile-lru would evict an idle
# user's session, days from its end, to make room for fresh anonymous ones.
REDIS_POLICY = "volatile-ttl"


class _TooSmall(Exception):
    """Internal: the host cannot fit the minimum; carries which input is short."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field
        self.detail = detail


def item(value: Any, reason: str) -> dict[str, Any]:
    """One planned value and the reason printed next to it."""
    return {"value": value, "reason": reason}


def _host_shares(inp: dict[str, Any]) -> dict[str, float]:
    """Float budget of the host before the Odoo/PostgreSQL split."""
    mem, cpus, layout = float(inp["memory_mb"]), float(inp["cpus"]), inp["layout"]
    shares = {
        "os_mb": budget.os_reserve_mb(mem),
        "os_cpus": budget.os_reserve_cpus(cpus),
        "traefik_mb": 0.0,
        "traefik_cpus": 0.0,
        "redis_maxmemory_mb": 0.0,
        "redis_mb": 0.0,
        "redis_cpus": 0.0,
    }
    if layout != "db":
        shares["traefik_mb"] = budget.traefik_mb()
        shares["traefik_cpus"] = budget.small_service_cpus(cpus)
        shares["redis_maxmemory_mb"] = budget.redis_maxmemory_mb(mem)
        shares["redis_mb"] = budget.redis_container_mb(shares["redis_maxmemory_mb"])
        shares["redis_cpus"] = budget.small_service_cpus(cpus)
    shares["remaining_mb"] = mem - shares["os_mb"] - shares["traefik_mb"] - shares["redis_mb"]
    shares["remaining_cpus"] = (
        cpus - shares["os_cpus"] - shares["traefik_cpus"] - shares["redis_cpus"]
    )
    return shares


def _targets(odoo_cpus: float, users: int | None) -> dict[str, tuple[int, int]]:
    """(HTTP workers, cron workers) wanted per resize profile; memory-independent."""
    base_workers = odoo.http_worker_target(odoo_cpus, users, "baseline", 1)
    base_cron = odoo.cron_threads(base_workers)
    peak_workers = odoo.http_worker_target(odoo_cpus, users, "peak", base_cron)
    return {"baseline": (base_workers, base_cron), "peak": (peak_workers, 1)}


def _odoo_mix(odoo_mb: float, odoo_cpus: float, users: int | None, major: int) -> dict[str, Any]:
    """Worker mix for both resize profiles within one Odoo memory budget."""
    hard = odoo.limit_memory_hard_mb(odoo_mb)
    mixes: dict[str, Any] = {"hard_mb": hard, "soft_mb": odoo.limit_memory_soft_mb(hard)}
    for profile, (target, _) in _targets(odoo_cpus, users).items():
        cap = odoo.memory_worker_cap(odoo_mb, peak=profile == "peak")
        workers = min(target, cap)
        threads = 1 if profile == "peak" else odoo.cron_threads(workers)
        web_cpus = cpu_out(odoo_cpus * (1 - CRON_CPU_SHARE[profile]))
        mixes[profile] = {
            "workers": workers,
            "target": target,
            "cap": cap,
            "cron_threads": threads,
            "web_mb": math.ceil(odoo.web_container_mb(workers, hard)),
            "cron_mb": math.ceil(odoo.cron_container_mb(threads, hard)),
            "web_cpus": web_cpus,
            "cron_cpus": cpu_out(odoo_cpus - web_cpus),
            "pools": odoo.pool_connections(workers, threads, major),
        }
    return mixes


def _odoo_need(odoo_cpus: float, users: int | None) -> float:
    """Memory the wanted worker mixes need at Odoo's default hard limit (memory-independent)."""
    return max(
        odoo.odoo_need_mb(workers, threads, odoo.ODOO_DEFAULT_HARD_MB)
        for workers, threads in _targets(odoo_cpus, users).values()
    )


def _active_backends(odoo_cpus: float, users: int | None, hosts: int) -> int:
    """Odoo processes that can run a query at once (one each), from the worker
    targets so it does not depend on memory; +1 gevent per host, +2 backup/monitoring."""
    busiest = max(w + t for w, t in _targets(odoo_cpus, users).values())
    return hosts * (busiest + 1) + 2


def _app_side(inp: dict[str, Any], field: str) -> dict[str, Any]:
    """Odoo sizing of an app (or all-in-one) host: CPU/memory split and worker mixes."""
    shares = _host_shares(inp)
    if shares["remaining_cpus"] <= 0:
        raise _TooSmall("cpus", "no CPU left after the OS, Traefik and Redis")
    if inp["layout"] == "all-in-one":
        pg_cpus = shares["remaining_cpus"] * budget.PG_CPU_SHARE
        odoo_cpus = cpu_out(shares["remaining_cpus"] - pg_cpus)
    else:
        pg_cpus = 0.0
        odoo_cpus = cpu_out(shares["remaining_cpus"])
    if odoo.cpu_worker_limit(odoo_cpus) < odoo.MIN_HTTP_WORKERS:
        raise _TooSmall(
            "cpus" if field == "memory_mb" else "app_cpus",
            f"Odoo gets {odoo_cpus:.2f} CPUs, (CPU x 2) + 1 gives fewer than 2 workers",
        )
    need = _odoo_need(odoo_cpus, inp["users"])
    if inp["layout"] == "all-in-one":
        odoo_mb, pg_mb = budget.split_all_in_one(shares["remaining_mb"], need)
    else:
        odoo_mb, pg_mb = max(0.0, min(shares["remaining_mb"], need)), 0.0
    major = int(float(inp["odoo_version"]))
    mixes = _odoo_mix(odoo_mb, odoo_cpus, inp["users"], major)
    for profile in ("baseline", "peak"):
        if mixes[profile]["workers"] < odoo.MIN_HTTP_WORKERS:
            raise _TooSmall(
                field,
                f"Odoo's {odoo_mb:.0f}MB fit {mixes[profile]['workers']} HTTP worker(s)"
                f" in the {profile} profile, 2 are needed",
            )
    return {
        "shares": shares,
        "odoo_cpus": odoo_cpus,
        "pg_cpus": pg_cpus,
        "odoo_mb": odoo_mb,
        "pg_mb": pg_mb,
        "need_mb": need,
        "mixes": mixes,
        "major": major,
    }


def _compute(inp: dict[str, Any]) -> dict[str, Any]:
    layout = inp["layout"]
    if layout == "db":
        shares = _host_shares(inp)
        pg_mb = shares["remaining_mb"]
        pg_cpus = shares["remaining_cpus"]
        if pg_cpus <= 0:
            raise _TooSmall("cpus", "no CPU left after the OS")
        if pg_mb < budget.PG_MIN_MB:
            raise _TooSmall("memory_mb", f"PostgreSQL gets {pg_mb:.0f}MB, at least 512MB needed")
        app_inp = {
            **inp,
            "layout": "app",
            "cpus": inp["app_cpus"],
            "memory_mb": inp["app_memory_mb"],
        }
        app = _app_side(app_inp, "app_memory_mb")
        hosts = inp["app_hosts"]
        return {"shares": shares, "pg_mb": pg_mb, "pg_cpus": pg_cpus, "app": app, "hosts": hosts}
    app = _app_side(inp, "memory_mb")
    if layout == "all-in-one" and app["pg_mb"] < budget.PG_MIN_MB:
        raise _TooSmall("memory_mb", "PostgreSQL would get less than 512MB")
    return {
        "shares": app["shares"],
        "pg_mb": app["pg_mb"],
        "pg_cpus": app["pg_cpus"],
        "app": app,
        "hosts": 1,
    }


def _minimum(inp: dict[str, Any], field: str) -> str:
    """Smallest value of `field` for which the plan fits, everything else unchanged."""

    def fits(value: float) -> bool:
        try:
            _compute({**inp, field: value})
        except _TooSmall as exc:
            return exc.field != field
        return True

    is_cpu = field in ("cpus", "app_cpus")
    scale = 100 if is_cpu else 1  # CPUs in hundredths, memory in MB
    low = max(1, int(float(inp[field]) * scale))
    high = low
    while not fits(high / scale):
        high *= 2
        if high > 2**40:
            return "none found"
    while low < high:
        mid = (low + high) // 2
        if fits(mid / scale):
            high = mid
        else:
            low = mid + 1
    return f"{high / scale:.2f}" if is_cpu else f"{high} (MiB)"


def plan_host(raw: dict[str, Any]) -> dict[str, Any]:
    """Compute the plan of one host. See the package docstring for the layout."""
    inp = normalise(raw)
    try:
        core = _compute(inp)
    except _TooSmall as exc:
        minimum = _minimum(inp, exc.field)
        raise SizingError(
            f"{exc.field}={inp[exc.field]!r} is too small for layout {inp['layout']}:"
            f" {exc.detail}; minimum {minimum}"
        ) from None
    return _assemble(inp, core)


def _assemble(inp: dict[str, Any], core: dict[str, Any]) -> dict[str, Any]:
    layout = inp["layout"]
    shares = core["shares"]
    app = core["app"]
    profile = inp["resize"]
    other = "peak" if profile == "baseline" else "baseline"
    mix = app["mixes"][profile]
    notes: list[str] = []
    plan: dict[str, Any] = {"plan_version": PLAN_VERSION, "inputs": dict(inp)}

    # --- budget -------------------------------------------------------------
    mem: dict[str, Any] = {"host": item(inp["memory_mb"], "input")}
    cpu: dict[str, Any] = {"host": item(inp["cpus"], "input")}
    mem["os_and_docker"] = item(
        math.floor(shares["os_mb"]), "256MB + 5% of the host, 384MB..2GB (ours)"
    )
    cpu["os_and_docker"] = item(cpu_out(shares["os_cpus"]), "kept free: 5%, at least 0.1 (ours)")
    containers: dict[str, Any] = {}
    if layout != "db":
        mem["traefik"] = item(math.floor(shares["traefik_mb"]), "fixed 128MB (ours)")
        cpu["traefik"] = item(cpu_out(shares["traefik_cpus"]), "5% of the host, 0.1..1 (ours)")
        mem["redis"] = item(math.floor(shares["redis_mb"]), "2 x maxmemory + 32MB (fork CoW)")
        cpu["redis"] = item(cpu_out(shares["redis_cpus"]), "5% of the host, 0.1..1 (ours)")
        mem["odoo_web"] = item(mix["web_mb"], "see containers.odoo-web")
        mem["odoo_cron"] = item(mix["cron_mb"], "see containers.odoo-cron")
        cpu["odoo_web"] = item(mix["web_cpus"], f"Odoo CPUs minus the cron share ({profile})")
        cpu["odoo_cron"] = item(mix["cron_cpus"], f"{CRON_CPU_SHARE[profile]:.0%} of Odoo CPUs")
    if layout != "app":
        reason = (
            "host minus OS reserve"
            if layout == "db"
            else "what the Odoo worker mixes leave, at least max(512MB, 20%) (ours)"
        )
        mem["postgresql"] = item(math.floor(core["pg_mb"]), reason)
        cpu["postgresql"] = item(
            cpu_out(core["pg_cpus"]),
            "host minus OS reserve" if layout == "db" else "40% of the CPUs left (ours)",
        )
    used_mem = sum(v["value"] for k, v in mem.items() if k != "host")
    used_cpu = round(sum(v["value"] for k, v in cpu.items() if k != "host"), 2)
    mem["unallocated"] = item(
        inp["memory_mb"] - used_mem,
        "page cache; Odoo's reserve is sized at its default 2.5GB hard limit (ours)",
    )
    cpu["unallocated"] = item(round(inp["cpus"] - used_cpu, 2), "left idle by the limits")
    plan["budget"] = {"memory_mb": mem, "cpus": cpu}

    # --- odoo ---------------------------------------------------------------
    if layout != "db":
        plan["odoo"] = _odoo_section(inp, app, profile)
        containers["odoo-web"] = {
            "memory_mb": item(
                mix["web_mb"],
                "master + gevent + workers at the guide's average, or one worker at"
                " limit_memory_hard and the rest light, whichever is larger",
            ),
            "cpus": item(mix["web_cpus"], "Odoo CPUs minus the cron share"),
        }
        containers["odoo-cron"] = {
            "memory_mb": item(mix["cron_mb"], "master + cron workers, same rule as odoo-web"),
            "cpus": item(mix["cron_cpus"], "cron share of Odoo CPUs"),
        }
        maxmemory = math.floor(shares["redis_maxmemory_mb"])
        plan["redis"] = {
            "maxmemory": item(f"{maxmemory}mb", "1% of the host, 64MB..1GB (ours)"),
            "maxmemory-policy": item(
                REDIS_POLICY,
                "only keys with a TTL, nearest expiry first: anonymous sessions (3h) go"
                " before logged-in ones (7d); see roles/redis/README.md",
            ),
        }
        containers["redis"] = {
            "memory_mb": item(math.floor(shares["redis_mb"]), "2 x maxmemory + 32MB"),
            "cpus": item(cpu_out(shares["redis_cpus"]), "single-threaded"),
        }
        containers["traefik"] = {
            "memory_mb": item(math.floor(shares["traefik_mb"]), "fixed (ours)"),
            "cpus": item(cpu_out(shares["traefik_cpus"]), "5% of the host, 0.1..1"),
        }
    else:
        plan["odoo"] = None
        plan["redis"] = None

    # --- postgresql -----------------------------------------------------------
    if layout != "app":
        plan["postgresql"], pg_container = _postgresql_section(inp, core, notes)
        containers["postgresql"] = pg_container
    else:
        plan["postgresql"] = None
    plan["containers"] = containers

    # --- resize ---------------------------------------------------------------
    plan["resize"] = _resize_section(app, profile, other)
    notes.append(
        "CPU values are docker --cpus caps, not reservations; memory values are hard"
        " container limits (mem_limit)."
    )
    plan["notes"] = notes
    return plan


def _odoo_section(inp: dict[str, Any], app: dict[str, Any], profile: str) -> dict[str, Any]:
    major = app["major"]
    version = inp["odoo_version"]
    mixes = app["mixes"]
    mix = mixes[profile]
    hard_mb, soft_mb = mixes["hard_mb"], mixes["soft_mb"]
    users_need = odoo.users_worker_need(inp["users"])
    sizing = {
        "cpus": item(app["odoo_cpus"], "Odoo's CPU budget"),
        "cpu_worker_limit": item(
            odoo.cpu_worker_limit(app["odoo_cpus"]), "(CPU x 2) + 1 (Odoo deployment guide)"
        ),
        "users_worker_need": item(
            users_need,
            "ceil(users / 6) (Odoo deployment guide)" if users_need else "no users given",
        ),
        "memory_worker_cap": item(
            mix["cap"],
            f"workers that fit {math.floor(app['odoo_mb'])}MB at"
            f" {odoo.average_worker_mb():.1f}MB each (80% x 150MB + 20% x 1GB, guide)",
        ),
        "http_workers": item(
            mix["workers"],
            f"min(target {mix['target']}, memory cap {mix['cap']}) for the {profile} profile",
        ),
        "cron_threads": item(
            mix["cron_threads"],
            "one per 8 HTTP workers, 1..4 (ours, after the guide's 8 + 1)"
            if profile == "baseline"
            else "peak keeps 1",
        ),
    }
    ws_option = odoo.websocket_port_option(major)
    limits_reason = "0.8 x hard, Odoo's default ratio"
    hard_reason = "a fifth of Odoo's memory, 1GB (guide heavy worker)..2.5GB (Odoo default)"
    web: dict[str, Any] = {
        "workers": item(mix["workers"], "http_workers"),
        "max_cron_threads": item(0, "cron runs in the odoo-cron container"),
        ws_option: item(odoo.WEBSOCKET_PORT, f"websocket port option of Odoo {version}"),
        "proxy_mode": item(True, "behind Traefik"),
        "db_maxconn": item(odoo.db_maxconn(major), "per-process pool (ours, see docs)"),
    }
    gevent_pool = odoo.db_maxconn_gevent(major)
    if gevent_pool:
        web["db_maxconn_gevent"] = item(gevent_pool, "gevent pool serves all websockets (ours)")
    common = {
        "limit_memory_soft": item(int(soft_mb * MIB), f"{soft_mb:.0f}MB, {limits_reason}"),
        "limit_memory_hard": item(int(hard_mb * MIB), f"{hard_mb:.0f}MB, {hard_reason}"),
        "limit_request": item(LIMIT_REQUEST, "guide sample: recycle workers after 8192 requests"),
    }
    web.update(common)
    web["limit_time_cpu"] = item(LIMIT_TIME_CPU, "guide sample configuration")
    web["limit_time_real"] = item(LIMIT_TIME_REAL, "guide sample configuration")
    cron: dict[str, Any] = {
        "workers": item(
            1, "positive: prefork server; with http_enable off it spawns no HTTP worker"
        ),
        "http_enable": item(False, "the cron container serves no HTTP"),
        "max_cron_threads": item(mix["cron_threads"], "cron_threads"),
        "db_maxconn": item(odoo.db_maxconn(major), "per-process pool (ours)"),
        **common,
        "limit_time_cpu": item(
            CRON_TIME_LIMIT, "the CPU rlimit applies to cron workers too (ours)"
        ),
        "limit_time_real_cron": item(CRON_TIME_LIMIT, "long jobs finish, stuck ones die (ours)"),
    }
    valid = odoo.valid_options(version)
    for name in (*web, *cron):
        if name not in valid:  # a bug in this module, never a user error
            raise AssertionError(f"option {name} is not valid for Odoo {version}")
    return {"version": version, "sizing": sizing, "web": web, "cron": cron}


def _postgresql_section(
    inp: dict[str, Any], core: dict[str, Any], notes: list[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    app = core["app"]
    hosts = core["hosts"]
    pools = hosts * max(sum(app["mixes"][p]["pools"].values()) for p in ("baseline", "peak"))
    active = _active_backends(app["odoo_cpus"], inp["users"], hosts)
    pg_mb, pg_cpus = core["pg_mb"], core["pg_cpus"]
    version = inp["pg_version"]
    rows, facts = postgresql.odoo_profile(
        pg_mb=pg_mb,
        pg_cpus=pg_cpus,
        storage=inp["storage"],
        version=version,
        data_volume_gb=inp["data_volume_gb"],
        replicas=inp["replicas"],
        odoo_pools=pools,
        active_backends=active,
        hugepages_mode=inp["hugepages"],
    )
    needed = int(facts["max_connections"])  # type: ignore[call-overload]
    given = inp["pg_connections"]
    if given is not None and given < needed:
        raise SizingError(
            f"pg_connections={given} is below what the Odoo pools need; minimum {needed}"
        )
    connections = given or needed
    settings: dict[str, Any]
    if inp["profile"] == "odoo":
        settings = {name: item(value, reason) for name, value, reason in rows}
        if given:
            settings["max_connections"] = item(str(given), "pg_connections input")
        huge_reserved = bool(facts["huge_pages_reserved"])
        nr = int(facts["nr_hugepages"])  # type: ignore[call-overload]
        shm = int(facts["shm_size_mb"])  # type: ignore[call-overload]
    else:
        pg_tune_cpus = math.floor(round(pg_cpus, 6)) or None
        tuned = pgtune.pgtune(
            memory_mb=math.floor(pg_mb),
            cpus=pg_tune_cpus,
            storage=inp["storage"],
            version=version,
            profile=inp["profile"],
            connections=connections,
        )
        why = (
            f"PGTune '{inp['profile']}' for memory={math.floor(pg_mb)}MB cpus={pg_tune_cpus}"
            f" connections={connections} storage={inp['storage']} version={version}"
        )
        settings = {name: item(value, why) for name, value in tuned}
        notes.append(
            f"{why}: PGTune does not size replication; PostgreSQL defaults apply"
            " (wal_level=replica, 10 senders and slots)."
        )
        shared_mb = pgtune.shared_buffers_kb(math.floor(pg_mb) * 1024, inp["profile"]) / 1024
        _, huge_reserved, _ = postgresql.huge_pages_setting(inp["hugepages"], shared_mb)
        huge_reserved = huge_reserved and settings.get("huge_pages", {}).get("value") == "try"
        nr = postgresql.nr_hugepages(shared_mb, 16, connections) if huge_reserved else 0
        work_mem_mb = pgtune_work_mem_mb(settings)
        parallel = int(settings.get("max_parallel_workers", {}).get("value", 8))
        shm = postgresql.shm_size_mb(parallel, work_mem_mb, version, pg_mb)
    host = {
        "vm.nr_hugepages": item(
            nr,
            "2MB pages for shared memory (ours; check shared_memory_size_in_huge_pages)"
            if nr
            else "no huge pages reserved",
        )
    }
    if nr:
        notes.append(f"Set vm.nr_hugepages={nr} on the host before starting PostgreSQL.")
    section = {
        "version": version,
        "profile": inp["profile"],
        "settings": settings,
        "host": host,
        "huge_pages_reserved": huge_reserved,
        "odoo_pools": pools,
    }
    container = {
        "memory_mb": item(math.floor(pg_mb), "PostgreSQL's budget"),
        "cpus": item(cpu_out(pg_cpus), "PostgreSQL's CPU budget"),
        "shm_size_mb": item(shm, "parallel hash tables in /dev/shm (ours)"),
    }
    return section, container


def pgtune_work_mem_mb(settings: dict[str, Any]) -> float:
    """work_mem of a PGTune profile in MB (for the /dev/shm estimate)."""
    from .units import pg_size_to_kb

    return pg_size_to_kb(settings["work_mem"]["value"]) / 1024


def _resize_section(app: dict[str, Any], profile: str, other: str) -> dict[str, Any]:
    """What switching to the other resize profile changes, and what it costs."""
    mine, theirs = app["mixes"][profile], app["mixes"][other]
    keys = ("workers", "cron_threads", "web_mb", "cron_mb", "web_cpus", "cron_cpus")
    changes = {
        key: {profile: mine[key], other: theirs[key]} for key in keys if mine[key] != theirs[key]
    }
    peak, base = app["mixes"]["peak"], app["mixes"]["baseline"]
    cost = [
        f"peak runs {peak['workers'] - base['workers']:+d} HTTP workers and"
        f" {peak['cron_threads'] - base['cron_threads']:+d} cron workers versus baseline:"
        " scheduled jobs (mail queue, automated actions) wait longer",
        f"Odoo memory {base['web_mb'] + base['cron_mb']}MB -> {peak['web_mb'] + peak['cron_mb']}MB,"
        " inside the Odoo budget reserved for both profiles",
    ]
    if peak["workers"] > peak["target"] or peak["workers"] > odoo.cpu_worker_limit(
        app["odoo_cpus"]
    ):
        cost.append("peak workers exceed (CPU x 2) + 1: requests queue for CPU under full load")
    if peak["workers"] < peak["target"]:
        cost.append(
            f"peak is capped by memory at {peak['workers']} workers (target {peak['target']})"
        )
    cost.append(
        "PostgreSQL is unchanged (max_connections covers both profiles): switching needs only"
        " an Odoo restart"
    )
    return {"profile": profile, "alternative": other, "changes": changes, "cost": cost}
