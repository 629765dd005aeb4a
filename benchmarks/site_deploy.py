#!/usr/bin/env python3
"""Wall time of playbooks/site.yml for a whole tenant on three fresh lab VMs, and of
the second, no-change run, through `tenantctl deploy` (what a consultant runs).

Brings up its own lab fleet (bare systemd VMs by default, images already built:
`lab build`), scaffolds a tenant from it with `tenantctl new --hosts-from` (app,
primary, replica; inventory and vault password in a temporary directory), deploys
twice and prints both times, the changed count of each run and the ratios to our
targets: a tenant in under 5 minutes, a no-change run under 90 seconds (Autobase
documents about 10 minutes for a cluster deploy). Tears the fleet and the tenant's
files down unless --keep.

    .venv/bin/python benchmarks/site_deploy.py              # ~10-15 minutes here
    .venv/bin/python benchmarks/site_deploy.py --image vm   # Docker preinstalled

Figures, never thresholds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_FIRST_S = 300.0
TARGET_NOCHANGE_S = 90.0
SUMMARY_ROW = re.compile(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$")


def log(text: str) -> None:
    print(f"site_deploy: {text}", file=sys.stderr, flush=True)


def deploy(customer: str, env: dict[str, str], password_file: Path) -> tuple[float, int, int]:
    """One `tenantctl deploy`: wall seconds, exit code, changed tasks over all hosts."""
    started = time.monotonic()
    proc = subprocess.run(
        [str(BIN / "tenantctl"), "deploy", customer, "--vault-password-file", str(password_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.monotonic() - started
    changed = sum(int(m.group(3)) for m in map(SUMMARY_ROW.match, proc.stdout.splitlines()) if m)
    print(proc.stdout.rstrip())
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
    return elapsed, proc.returncode, changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fleet", default="bench-site")
    parser.add_argument("--image", choices=["systemd", "vm"], default="systemd")
    parser.add_argument("--memory", default="4g", help="memory of each VM")
    parser.add_argument("--keep", action="store_true", help="leave the fleet up")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="site-deploy-"))
    env = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "TENANTCTL_INVENTORIES": str(work / "inventories"),
    }
    customer = "bench"
    password_file = work / "vault-password"
    lab = [str(BIN / "lab")]
    subprocess.run([*lab, "down", args.fleet], env=env, capture_output=True, check=False)
    try:
        log(f"lab up {args.fleet}: 3 fresh {args.image} VMs, {args.memory} each")
        up = subprocess.run(
            [*lab, "up", args.fleet, "--vms", "3", "--memory", args.memory, "--image", args.image],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        inventory = up.stdout.strip().splitlines()[-1]
        subprocess.run(
            [
                str(BIN / "tenantctl"),
                "new",
                customer,
                "--hosts-from",
                inventory,
                "--vault-password-file",
                str(password_file),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        log("first deploy (from fresh VMs)")
        first, rc1, changed1 = deploy(customer, env, password_file)
        log("second deploy (nothing to change)")
        second, rc2, changed2 = deploy(customer, env, password_file)
    finally:
        if not args.keep:
            subprocess.run([*lab, "down", args.fleet], env=env, capture_output=True, check=False)
            # The tenant's inventory, vault password, credentials and CA go with the VMs.
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(Path.home() / ".odoo-tenant-kit" / customer, ignore_errors=True)

    print()
    print(f"site.yml on 3 fresh {args.image} lab VMs (app, primary, replica) via tenantctl deploy:")
    print(
        f"  first run   {first:7.1f} s  exit {rc1}  changed {changed1:3d}"
        f"  ratio to the 5 min target {first / TARGET_FIRST_S:.2f}"
    )
    print(
        f"  second run  {second:7.1f} s  exit {rc2}  changed {changed2:3d}"
        f"  ratio to the 90 s target  {second / TARGET_NOCHANGE_S:.2f}"
    )
    print(f"  second / first {second / first:.2f}; artifacts under .cache/runs/{customer}/")
    return 0 if rc1 == 0 and rc2 == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
