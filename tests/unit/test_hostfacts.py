"""Host facts parsing against fixture trees (cgroup v1/v2, block devices)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tenant_sizing import hostfacts

FIXTURES = Path(__file__).parent / "fixtures" / "hostfacts"


def reader_for(tree: str):
    """A read(path) that serves absolute paths from a fixture tree (dirs list entries)."""
    root = FIXTURES / tree

    def read(path: str):
        target = root / path.lstrip("/")
        if target.is_dir():
            return " ".join(sorted(os.listdir(target)))
        return target.read_text() if target.is_file() else None

    return read


@pytest.mark.parametrize(
    ("tree", "cpus", "memory_mb", "source"),
    [
        ("cgroup_v2", 1.5, 4096, "cgroup v2 /sys/fs/cgroup/system.slice/docker-abc.scope"),
        ("cgroup_v2_ns", 2.0, 8192, "cgroup v2 /sys/fs/cgroup/cpu.max"),
        ("cgroup_v1", 2.5, 2048, "cgroup v1 /sys/fs/cgroup/cpu,cpuacct/docker/abc"),
        ("cgroup_v1_ns", 0.5, 1024, "cgroup v1 /sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us"),
        ("unlimited_v1", None, None, "no cgroup CPU limit"),
        ("unlimited_v2", None, None, "no cgroup CPU limit"),
    ],
)
def test_cgroup_limits(tree, cpus, memory_mb, source):
    read = reader_for(tree)
    limit, where = hostfacts.cgroup_cpus(read)
    assert limit == cpus
    assert where.startswith(source)
    mem, _ = hostfacts.cgroup_memory_mb(read)
    assert mem == memory_mb


def test_effective_values_take_the_smaller_of_host_and_cgroup():
    assert hostfacts.effective_cpus(8, 1.5) == 1.5
    assert hostfacts.effective_cpus(2, 4.0) == 2.0
    assert hostfacts.effective_cpus(4, None) == 4.0
    meminfo = (FIXTURES / "meminfo").read_text()
    assert hostfacts.parse_meminfo_mb(meminfo) == 15986  # 16369812 kB // 1024


def test_parsers_edge_cases():
    assert hostfacts.parse_cpu_max("max 100000") is None
    assert hostfacts.parse_cpu_max("50000 50000") == 1.0
    assert hostfacts.parse_cfs("-1", "100000") is None
    assert hostfacts.parse_memory_limit_mb("max") is None
    assert hostfacts.parse_memory_limit_mb("9223372036854771712") is None
    assert hostfacts.parse_proc_self_cgroup("0::/a\n3:cpu,cpuacct:/b\n") == {
        "": "/a",
        "cpu": "/b",
        "cpuacct": "/b",
    }


LINKS = {
    "/sys/dev/block/259:2": "/sys/devices/pci0000:00/nvme/nvme0/nvme0n1/nvme0n1p2",
    "/sys/dev/block/8:0": "/sys/devices/pci0000:00/ata1/sda",
    "/sys/dev/block/253:0": "/sys/devices/virtual/block/dm-0",
    "/sys/class/block/vdb1": "/sys/devices/pci0000:00/virtio/vdb/vdb1",
}


@pytest.mark.parametrize(
    ("major_minor", "device", "storage"),
    [("259:2", "nvme0n1", "nvme"), ("8:0", "sda", "hdd"), ("253:0", "vdb", "ssd")],
)
def test_block_device_and_storage_class(major_minor, device, storage):
    read = reader_for("block")
    found = hostfacts.block_device_for(major_minor, read, LINKS.get)
    assert found == device
    assert (
        hostfacts.classify_storage(found, read(f"/sys/block/{found}/queue/rotational")) == storage
    )


def test_unknown_device_is_none():
    assert hostfacts.block_device_for("0:42", reader_for("block"), LINKS.get) is None


def test_gather_on_this_machine_is_stable_and_overridable(tmp_path):
    facts = hostfacts.gather(str(tmp_path / "not" / "yet"), "hdd")
    assert set(facts) == {
        "cpus",
        "memory_mb",
        "storage_class",
        "data_volume_gb",
        "device",
        "path",
        "sources",
    }
    assert facts["storage_class"] == "hdd"
    assert facts["sources"]["storage_class"] == "storage_class option"
    assert facts["path"] == str(tmp_path)
    assert facts["cpus"] > 0 and facts["memory_mb"] > 0 and facts["data_volume_gb"] >= 0


def test_module_runs_through_ansible_in_check_mode():
    """The module imports the core as ansible.module_utils.tenant_sizing (AnsiballZ)."""
    import json
    import shutil
    import subprocess
    import sys

    ansible = Path(sys.executable).with_name("ansible")
    if not ansible.exists():
        found = shutil.which("ansible")
        if not found:
            pytest.skip("ansible CLI not installed next to this Python")
        ansible = Path(found)
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [
            *(str(ansible), "localhost", "-C", "-i", "localhost,", "-c", "local"),
            *("-e", f"ansible_python_interpreter={sys.executable}"),
            *("-m", "tenant_host_facts", "-a", "path=/ storage_class=nvme"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
        env={**os.environ, "ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)
    facts = result["plays"][0]["tasks"][0]["hosts"]["localhost"]["ansible_facts"]["tenant_host"]
    assert facts["storage_class"] == "nvme"
    assert facts["cpus"] > 0
