"""`lab`: build lab images, run the lab registry, bring lab fleets up and down.

lab up lab-tenant --vms 3      # VMs lab-tenant-1..3, inventories/lab/lab-tenant.yml
lab down lab-tenant
lab ls
lab build                      # every image (skips those whose recipe is unchanged)
lab image postgres             # ensure one image, print its tag
lab env                        # shell exports for Molecule scenarios
"""

from __future__ import annotations

import argparse
import shlex
import sys

from lab import fleet, images, registry
from lab.engine import LabError, ensure_engine


def lab_environment() -> dict[str, str]:
    """What Molecule scenarios need to find the lab (see .config/molecule/config.yml)."""
    registry.publish_all()
    fleet.ensure_network("lab-molecule")
    return {
        "LAB_SYSTEMD_IMAGE": images.ensure("systemd"),
        "LAB_VM_IMAGE": images.ensure("vm"),
        "LAB_NETWORK": "lab-molecule",
        "LAB_REGISTRY": registry.LAB_ADDR,
    }


def build_parser() -> argparse.ArgumentParser:
    """The command line; each subcommand is one function below."""
    p = argparse.ArgumentParser(
        prog="lab", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("engine", help="start the host Docker engine if it is not running")
    b = sub.add_parser("build", help="build lab images whose recipe changed")
    b.add_argument("names", nargs="*", help="images (default: all)")
    i = sub.add_parser("image", help="ensure one image and print its tag")
    i.add_argument("name", choices=list(images.RECIPES_BY_NAME))
    sub.add_parser("env", help="print shell exports for Molecule")
    sub.add_parser("prune", help="remove lab images whose recipe changed")
    u = sub.add_parser("up", help="bring a fleet of lab VMs up")
    u.add_argument("fleet")
    u.add_argument("--vms", type=int, default=1)
    u.add_argument("--memory", default="4g")
    u.add_argument("--cpus", type=float, default=2.0)
    u.add_argument(
        "--image",
        choices=["systemd", "vm"],
        default="systemd",
        help="systemd: bare VM (default); vm: Docker preinstalled",
    )
    d = sub.add_parser("down", help="remove a fleet")
    d.add_argument("fleet")
    sub.add_parser("ls", help="list fleets")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point; lab errors print one line (plus the failing command's output)."""
    args = build_parser().parse_args(argv)
    try:
        if args.cmd == "engine":
            ensure_engine()
        elif args.cmd == "build":
            for name in args.names or [r.name for r in images.RECIPE_LIST]:
                print(images.ensure(name))
        elif args.cmd == "image":
            print(images.ensure(args.name))
        elif args.cmd == "env":
            for key, value in lab_environment().items():
                print(f"export {key}={shlex.quote(value)}")
        elif args.cmd == "prune":
            for image in images.prune():
                print(f"removed {image}")
        elif args.cmd == "up":
            spec = fleet.VmSpec(args.vms, args.memory, args.cpus, args.image)
            print(fleet.up(args.fleet, spec))
        elif args.cmd == "down":
            fleet.down(args.fleet)
        elif args.cmd == "ls":
            for name, vms in sorted(fleet.ls().items()):
                print(name)
                for vm in vms:
                    print(f"  {vm['name']:<24} {vm['state']:<10} {vm['status']}")
    except LabError as exc:
        print(f"lab: error: {exc}", file=sys.stderr)
        return 1
    return 0
