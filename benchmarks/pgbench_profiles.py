#!/usr/bin/env python3
"""pgbench: PostgreSQL defaults vs PGTune-compatible `web` vs our `odoo` profile.

One run on the lab's PostgreSQL 17 image. The server container is limited to the
PostgreSQL budget (CPUs, memory, /dev/shm) of a chosen host plan; pgbench runs in
a second, unlimited container sharing its network namespace so the client does not
eat the server's CPU quota. The three configurations are measured interleaved
(rotated every round), read-write (TPC-B like) and read-only (-S), and the script
prints the median TPS of each and the ratios.

    .venv/bin/python benchmarks/pgbench_profiles.py                 # ~3-4 minutes
    .venv/bin/python benchmarks/pgbench_profiles.py --duration 60 --rounds 5 --scale 100

The plans use hugepages=off: the container has no reserved huge pages.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "plugins" / "module_utils"))

import tenant_sizing  # noqa: E402

PGDATA = "/var/lib/postgresql/bench"
CONFIGS = ("defaults", "web", "odoo")
TPS_RE = re.compile(r"^tps = ([0-9.]+)", re.MULTILINE)


def sh(args: list[str], stdin: str | None = None, check: bool = True) -> str:
    """Run a command, return stdout; on failure exit with its stderr (one line)."""
    proc = subprocess.run(args, input=stdin, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        sys.exit(f"pgbench_profiles: {' '.join(args[:4])} failed: {' | '.join(tail)}")
    return proc.stdout


def lab_image() -> str:
    """Tag of the lab's PostgreSQL image (built on demand)."""
    venv_python = ROOT / ".venv" / "bin" / "python"
    python = str(venv_python) if venv_python.exists() else sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [python, "-m", "lab", "image", "postgres"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        sys.exit(f"pgbench_profiles: lab image postgres failed: {proc.stderr.strip()[-500:]}")
    return proc.stdout.strip().splitlines()[-1]


def plan_inputs(args: argparse.Namespace, profile: str) -> dict[str, object]:
    return {
        "cpus": args.cpus,
        "memory_mb": args.memory,
        "layout": args.layout,
        "storage": args.storage,
        "data_volume_gb": args.volume_gb,
        "pg_version": 17,
        "profile": profile,
        "hugepages": "off",
        "replicas": 1,
    }


class Server:
    """A limited PostgreSQL container plus an unlimited pgbench client container."""

    def __init__(self, image: str, cpus: float, memory_mb: int, shm_mb: int) -> None:
        self.image = image
        self.name = f"tenant-bench-{uuid.uuid4().hex[:8]}"
        self.client = f"{self.name}-client"
        sh(
            [
                *("docker", "run", "-d", "--rm", "--name", self.name),
                *("--cpus", f"{cpus:.2f}", "--memory", f"{memory_mb}m"),
                *("--memory-swap", f"{memory_mb}m", "--shm-size", f"{shm_mb}m"),
                *("--entrypoint", "sleep", image, "infinity"),
            ]
        )
        sh(
            [
                *("docker", "run", "-d", "--rm", "--name", self.client),
                *("--network", f"container:{self.name}"),
                *("--entrypoint", "sleep", image, "infinity"),
            ]
        )
        self.run("initdb", "-D", PGDATA, "-U", "postgres", "--auth=trust")
        self.run("sh", "-c", f"cp {PGDATA}/postgresql.conf /tmp/defaults.conf")

    def run(self, *cmd: str, stdin: str | None = None) -> str:
        return sh(["docker", "exec", "-i", "-u", "postgres", self.name, *cmd], stdin=stdin)

    def bench(self, *cmd: str) -> str:
        return sh(["docker", "exec", "-u", "postgres", self.client, *cmd])

    def start(self, conf_text: str) -> None:
        self.run("sh", "-c", "cat > /tmp/active.conf", stdin=conf_text)
        opts = "-c config_file=/tmp/active.conf -c listen_addresses=127.0.0.1"
        self.run(
            "pg_ctl", "-D", PGDATA, "-l", "/tmp/pg.log", "-w", "-t", "120", "-o", opts, "start"
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", PGDATA, "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        for name in (self.client, self.name):
            sh(["docker", "rm", "-f", name], check=False)


def autovacuum_runs(server: Server) -> int:
    """Autovacuum + autoanalyze runs so far (statistics survive clean restarts)."""
    out = server.run(
        *("psql", "-h", "127.0.0.1", "-U", "postgres", "-At", "-c"),
        "SELECT coalesce(sum(autovacuum_count + autoanalyze_count), 0) FROM pg_stat_user_tables",
    )
    return int(out.strip() or 0)


def pgbench_tps(server: Server, clients: int, duration: int, read_only: bool) -> float:
    args = ["pgbench", "-h", "127.0.0.1", "-U", "postgres", "-n", "-c", str(clients)]
    args += ["-j", str(min(clients, 4)), "-T", str(duration)]
    if read_only:
        args.append("-S")
    out = server.bench(*args, "postgres")
    match = TPS_RE.search(out)
    if not match:
        sys.exit(f"pgbench_profiles: no tps in pgbench output: {out[-300:]}")
    return float(match.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cpus", type=float, default=2, help="host CPUs of the plan (default 2)")
    parser.add_argument("--memory", default="4G", help="host memory of the plan (default 4G)")
    parser.add_argument("--layout", default="db", help="plan layout (default db)")
    parser.add_argument("--storage", default="ssd")
    parser.add_argument("--volume-gb", type=int, default=100)
    parser.add_argument("--scale", type=int, default=10, help="pgbench -s (default 10)")
    parser.add_argument("--clients", type=int, default=8, help="pgbench -c (default 8)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per run (default 15)")
    parser.add_argument("--warmup", type=int, default=5, help="read-only warm-up seconds")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (default 2)")
    args = parser.parse_args(argv)
    try:
        plans = {p: tenant_sizing.plan_host(plan_inputs(args, p)) for p in ("web", "odoo")}
    except tenant_sizing.SizingError as exc:
        print(f"pgbench_profiles: {exc}", file=sys.stderr)
        return 2
    container = plans["odoo"]["containers"]["postgresql"]
    cpus = container["cpus"]["value"]
    memory_mb = container["memory_mb"]["value"]
    shm_mb = container["shm_size_mb"]["value"]
    image = lab_image()
    print(
        f"plan: {args.cpus:g} CPUs / {args.memory} {args.layout} host -> PostgreSQL container"
        f" --cpus {cpus} --memory {memory_mb}m --shm-size {shm_mb}m; image {image}"
    )
    print(
        f"pgbench: scale {args.scale}, {args.clients} clients, {args.duration}s per run,"
        f" {args.rounds} interleaved rounds"
    )
    server = Server(image, cpus, memory_mb, shm_mb)
    results: dict[tuple[str, str], list[float]] = {}
    vacuums: dict[str, int] = dict.fromkeys(CONFIGS, 0)
    started = time.monotonic()
    try:
        confs = {"defaults": server.run("cat", "/tmp/defaults.conf")}
        for profile, plan in plans.items():
            confs[profile] = tenant_sizing.render_postgresql_conf(plan)
        server.start(confs["defaults"])
        server.bench(
            "pgbench",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-i",
            "-q",
            "-s",
            str(args.scale),
            "postgres",
        )
        server.stop()
        for round_no in range(args.rounds):
            order = CONFIGS[round_no % 3 :] + CONFIGS[: round_no % 3]
            for config in order:
                server.start(confs[config])
                before = autovacuum_runs(server)
                if args.warmup:
                    pgbench_tps(server, args.clients, args.warmup, read_only=True)
                for mode, read_only in (("read-write", False), ("read-only", True)):
                    tps = pgbench_tps(server, args.clients, args.duration, read_only)
                    results.setdefault((config, mode), []).append(tps)
                    print(
                        f"  round {round_no + 1} {config:<8} {mode:<10} {tps:10.1f} tps", flush=True
                    )
                vacuums[config] += autovacuum_runs(server) - before
                server.stop()
    finally:
        server.remove()
    print(f"\nmedian TPS ({time.monotonic() - started:.0f}s total)")
    print(f"{'mode':<11}{'defaults':>10}{'web':>10}{'odoo':>10}{'odoo/def':>10}{'odoo/web':>10}")
    for mode in ("read-write", "read-only"):
        med = {c: statistics.median(results[(c, mode)]) for c in CONFIGS}
        print(
            f"{mode:<11}{med['defaults']:>10.1f}{med['web']:>10.1f}{med['odoo']:>10.1f}"
            f"{med['odoo'] / med['defaults']:>10.2f}{med['odoo'] / med['web']:>10.2f}"
        )
    # The odoo profile's autovacuum triggers at 5 % dead rows instead of 20 %, so it
    # pays pgbench's vacuum debt inside the measured window; the others defer it.
    print(
        "autovacuum/autoanalyze runs during the measurements: "
        + ", ".join(f"{c} {vacuums[c]}" for c in CONFIGS)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
