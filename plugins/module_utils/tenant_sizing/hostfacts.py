"""Host facts parsing: CPUs and memory under cgroup v1/v2, storage class, volume size.

Pure functions over file contents, plus thin readers that take a `read(path)`
callable (returning the text or None) so tests feed fixtures instead of /sys.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

Reader = Callable[[str], "str | None"]

# cgroup v1 reports "no limit" as a page-rounded LONG_MAX; anything this large is unlimited.
UNLIMITED_BYTES = 1 << 60
STORAGE_CLASSES = ("nvme", "ssd", "san", "hdd")


def read_text(path: str) -> str | None:
    """Read a small text file, None if it does not exist or cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def parse_meminfo_mb(text: str) -> int | None:
    """MemTotal of /proc/meminfo in MiB."""
    for line in text.splitlines():
        if line.startswith("MemTotal:"):
            parts = line.split()
            return int(parts[1]) // 1024  # the value is in kB
    return None


def parse_cpu_max(text: str) -> float | None:
    """cgroup v2 cpu.max ("$MAX $PERIOD", "max" = unlimited) as CPUs."""
    parts = text.split()
    if not parts or parts[0] == "max":
        return None
    period = int(parts[1]) if len(parts) > 1 else 100000
    return int(parts[0]) / period


def parse_cfs(quota_text: str, period_text: str) -> float | None:
    """cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us as CPUs (-1 = unlimited)."""
    quota = int(quota_text.strip())
    if quota <= 0:
        return None
    return quota / int(period_text.strip())


def parse_memory_limit_mb(text: str) -> int | None:
    """cgroup v2 memory.max or v1 memory.limit_in_bytes in MiB (None = unlimited)."""
    value = text.strip()
    if value == "max":
        return None
    number = int(value)
    if number >= UNLIMITED_BYTES:
        return None
    return number // (1024 * 1024)


def parse_proc_self_cgroup(text: str) -> dict[str, str]:
    """Controller -> cgroup path from /proc/self/cgroup ("" key = the v2 unified path)."""
    paths: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.strip().split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            paths[""] = path
        for controller in controllers.split(","):
            if controller:
                paths[controller] = path
    return paths


def _candidates(root: str, controller: str, path: str | None) -> list[str]:
    """Directories to look in: the process's cgroup, then the controller root
    (a private cgroup namespace shows the container's own cgroup as the root)."""
    base = f"{root}/{controller}" if controller else root
    dirs = []
    if path and path != "/":
        dirs.append(base + path.rstrip("/"))
    dirs.append(base)
    return dirs


def cgroup_cpus(read: Reader, root: str = "/sys/fs/cgroup") -> tuple[float | None, str]:
    """CPU limit from cgroup v2 cpu.max or v1 CFS quota; (None, reason) if unlimited."""
    paths = parse_proc_self_cgroup(read("/proc/self/cgroup") or "")
    if "" in paths:
        for directory in _candidates(root, "", paths[""]):
            text = read(f"{directory}/cpu.max")
            if text is not None:
                limit = parse_cpu_max(text)
                if limit is not None:
                    return limit, f"cgroup v2 {directory}/cpu.max"
    for controller in ("cpu", "cpu,cpuacct"):
        for directory in _candidates(root, controller, paths.get("cpu")):
            quota = read(f"{directory}/cpu.cfs_quota_us")
            period = read(f"{directory}/cpu.cfs_period_us")
            if quota is not None and period is not None:
                limit = parse_cfs(quota, period)
                if limit is not None:
                    return limit, f"cgroup v1 {directory}/cpu.cfs_quota_us"
    return None, "no cgroup CPU limit"


def cgroup_memory_mb(read: Reader, root: str = "/sys/fs/cgroup") -> tuple[int | None, str]:
    """Memory limit from cgroup v2 memory.max or v1 memory.limit_in_bytes."""
    paths = parse_proc_self_cgroup(read("/proc/self/cgroup") or "")
    if "" in paths:
        for directory in _candidates(root, "", paths[""]):
            text = read(f"{directory}/memory.max")
            if text is not None:
                limit = parse_memory_limit_mb(text)
                if limit is not None:
                    return limit, f"cgroup v2 {directory}/memory.max"
    for directory in _candidates(root, "memory", paths.get("memory")):
        text = read(f"{directory}/memory.limit_in_bytes")
        if text is not None:
            limit = parse_memory_limit_mb(text)
            if limit is not None:
                return limit, f"cgroup v1 {directory}/memory.limit_in_bytes"
    return None, "no cgroup memory limit"


def effective_cpus(online: int, limit: float | None) -> float:
    """The smaller of the CPUs we may run on and the cgroup quota (2 decimals)."""
    if limit is None:
        return float(online)
    return round(min(float(online), limit), 2)


def classify_storage(device: str, rotational: str | None) -> str:
    """nvme from the device name; hdd when the kernel says rotational; else ssd."""
    if device.startswith("nvme"):
        return "nvme"
    if rotational is not None and rotational.strip() == "1":
        return "hdd"
    return "ssd"


def block_device_for(
    major_minor: str, read: Reader, resolve: Callable[[str], str | None]
) -> str | None:
    """Whole-disk name (e.g. "nvme0n1", "sda", "vda") behind a "MAJ:MIN" device.

    Partitions are mapped to their disk; device-mapper/md devices (LVM, RAID) to
    the first disk underneath (via slaves/). `resolve(path)` returns the real path
    of a /sys symlink, or None.
    """
    real = resolve(f"/sys/dev/block/{major_minor}")
    if not real:
        return None
    name = real.rstrip("/").rsplit("/", 1)[-1]
    if read(f"{real}/partition") is not None:
        name = real.rstrip("/").rsplit("/", 2)[-2]
    slaves = read(f"/sys/block/{name}/slaves") if name.startswith(("dm-", "md")) else None
    if slaves:
        first = sorted(slaves.split())[0]
        parent = resolve(f"/sys/class/block/{first}")
        if parent and read(f"{parent}/partition") is not None:
            return parent.rstrip("/").rsplit("/", 2)[-2]
        return first
    return name


def existing_parent(path: str) -> str:
    """The path itself or its nearest existing parent (the data dir may not exist yet)."""
    current = os.path.abspath(path)
    while not os.path.exists(current) and current != os.path.dirname(current):
        current = os.path.dirname(current)
    return current


def _listdir_reader(read: Reader) -> Reader:
    """Reader that also answers directories (slaves/) with their entries."""

    def reader(path: str) -> str | None:
        if os.path.isdir(path):
            try:
                return " ".join(os.listdir(path))
            except OSError:
                return None
        return read(path)

    return reader


def gather(path: str = "/", storage_override: str | None = None) -> dict[str, Any]:
    """Facts of this host for the volume holding `path` (reads /proc, /sys)."""
    sources: dict[str, str] = {}
    online = len(os.sched_getaffinity(0))
    quota, cpu_source = cgroup_cpus(read_text)
    cpus = effective_cpus(online, quota)
    sources["cpus"] = cpu_source if quota is not None and quota < online else "sched_getaffinity"
    host_mb = parse_meminfo_mb(read_text("/proc/meminfo") or "") or 0
    limit_mb, mem_source = cgroup_memory_mb(read_text)
    memory_mb = min(host_mb, limit_mb) if limit_mb is not None else host_mb
    sources["memory_mb"] = (
        mem_source if limit_mb is not None and limit_mb < host_mb else "/proc/meminfo MemTotal"
    )
    target = existing_parent(path)
    stat = os.stat(target)
    major_minor = f"{os.major(stat.st_dev)}:{os.minor(stat.st_dev)}"
    reader = _listdir_reader(read_text)

    def resolve(link: str) -> str | None:
        return os.path.realpath(link) if os.path.exists(link) else None

    device = block_device_for(major_minor, reader, resolve)
    if storage_override:
        storage = storage_override
        sources["storage_class"] = "storage_class option"
    elif device:
        rotational = read_text(f"/sys/block/{device}/queue/rotational")
        storage = classify_storage(device, rotational)
        sources["storage_class"] = f"/sys/block/{device}/queue/rotational and device name"
    else:
        storage = "ssd"
        sources["storage_class"] = f"default: no block device for {major_minor} (overlay/tmpfs?)"
    vfs = os.statvfs(target)
    volume_gb = math.floor(vfs.f_blocks * vfs.f_frsize / 1024**3)
    sources["data_volume_gb"] = f"statvfs {target}"
    return {
        "cpus": cpus,
        "memory_mb": memory_mb,
        "storage_class": storage,
        "data_volume_gb": volume_gb,
        "device": device,
        "path": target,
        "sources": sources,
    }
