#!/usr/bin/env python3
"""Failover time: from the start of playbooks/postgresql_promote.yml to the first
successful write on the new primary.

Brings up its own lab fleet (3 VMs, 2 GiB each), deploys the postgresql role
(synchronous replication ANY 1 by default, as molecule/postgresql_failover), stops
the primary's VM, then starts the promote playbook and, at the same moment, a loop
that tries an INSERT on the chosen replica every --poll seconds (each try is a
`docker exec` into the VM: its own latency, ~0.1-0.3 s here, bounds the resolution).
The write succeeds only once the replica is promoted and, with synchronous
replication, once the remaining replica streams from it and acknowledges. With
--rounds > 1 the old primary is rejoined (playbooks/postgresql_rejoin.yml, not timed)
and the next round fails over back. Prints the figures, then tears the fleet down.

    .venv/bin/python benchmarks/failover_time.py          # ~6 minutes
    .venv/bin/python benchmarks/failover_time.py --rounds 3

Figures, never thresholds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from replication_lag import ROOT, Fleet, log, run, tool_env


def failover(fleet: Fleet, old: str, new: str, others: list[str], poll: float) -> dict[str, float]:
    fleet.sql(old, "CREATE TABLE IF NOT EXISTS failover_probe (at timestamptz DEFAULT now())")
    log(f"docker stop {old}")
    stop_started = time.monotonic()
    run(["docker", "stop", old])
    stopped = time.monotonic() - stop_started
    insert = fleet.psql_cmd(new, "INSERT INTO failover_probe DEFAULT VALUES")
    log(f"promote {new}")
    started = time.monotonic()
    promote = subprocess.Popen(
        [
            "ansible-playbook",
            "-i",
            str(fleet.inventory),
            str(ROOT / "playbooks" / "postgresql_promote.yml"),
            "-e",
            f"postgresql_new_primary={new}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=tool_env(),
    )
    first_write = None
    attempts = 0
    while first_write is None:
        attempts += 1
        # A write blocked on a synchronous standby must not stall the loop forever.
        try:
            proc = subprocess.run(insert, capture_output=True, text=True, timeout=30, check=False)
            if proc.returncode == 0:
                first_write = time.monotonic() - started
                break
        except subprocess.TimeoutExpired:
            pass
        if promote.poll() not in (None, 0):
            sys.exit("promote playbook failed:\n" + promote.stdout.read()[-4000:])
        time.sleep(poll)
    out, _ = promote.communicate()
    playbook = time.monotonic() - started
    if promote.returncode != 0:
        sys.exit(f"promote playbook failed:\n{out[-4000:]}")
    fleet.write_inventory(new, [old, *others])
    return {"vm_stop": stopped, "first_write": first_write, "playbook": playbook, "tries": attempts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fleet", default="bench-failover")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--sync", type=int, default=1, help="postgresql_synchronous_standbys")
    parser.add_argument("--poll", type=float, default=0.05, help="pause between write tries (s)")
    parser.add_argument("--keep", action="store_true", help="leave the fleet up")
    args = parser.parse_args()

    fleet = Fleet(args.fleet, args.sync)
    results = []
    try:
        fleet.up()
        fleet.converge()
        primary, replicas = fleet.primary, list(fleet.replicas)
        for rnd in range(args.rounds):
            new, others = replicas[0], replicas[1:]
            result = failover(fleet, primary, new, others, args.poll)
            results.append(result)
            log(f"round {rnd + 1}: {result}")
            if rnd + 1 < args.rounds:
                run(["docker", "start", primary])
                run(
                    ["docker", "exec", primary, "systemctl", "is-system-running", "--wait"],
                    check=False,
                )
                log(f"rejoin {primary}")
                fleet.playbook(ROOT / "playbooks" / "postgresql_rejoin.yml")
            primary, replicas = new, [*others, primary]
        mode = f"synchronous ANY {args.sync}" if args.sync else "asynchronous"
        print(f"failover time, {mode}, 3 lab VMs (2 GiB each, 2 shared host cores)")
        for i, r in enumerate(results, 1):
            print(
                f"  round {i}: first write on the new primary {r['first_write']:.1f} s after the "
                f"promote playbook started (playbook {r['playbook']:.1f} s; the VM stop before "
                f"it took {r['vm_stop']:.1f} s; {int(r['tries'])} write tries)"
            )
        if len(results) > 1:
            writes = [r["first_write"] for r in results]
            print(
                f"  median first write {statistics.median(writes):.1f} s over {len(writes)} rounds"
            )
    finally:
        if not args.keep:
            fleet.down()


if __name__ == "__main__":
    main()
