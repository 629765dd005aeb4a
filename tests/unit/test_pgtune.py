"""The PGTune port gives PGTune's values: its own jest cases plus full outputs
computed by hand from configurationSlice.js for the same inputs."""

from __future__ import annotations

import pytest
from tenant_sizing import pgtune


def test_max_connections_defaults_from_pgtune_tests():
    assert [pgtune.max_connections(p, None) for p in pgtune.PROFILES] == [200, 300, 40, 20, 100]
    assert pgtune.max_connections("web", 77) == 77


@pytest.mark.parametrize(
    ("storage", "expected"), [("hdd", 4), ("ssd", 1.1), ("san", 1.1), ("nvme", 1.1)]
)
def test_random_page_cost(storage, expected):
    assert pgtune.random_page_cost(storage, "web", "mid") == expected


def test_random_page_cost_dw_and_db_size():
    assert pgtune.random_page_cost("ssd", "dw", "mid") == 4
    assert pgtune.random_page_cost("hdd", "dw", "less") == 1.1


@pytest.mark.parametrize(
    ("storage", "expected"), [("hdd", 2), ("ssd", 200), ("san", 300), ("nvme", 1000)]
)
def test_effective_io_concurrency(storage, expected):
    assert pgtune.effective_io_concurrency(storage) == expected


def test_parallel_settings_cases_from_pgtune_tests():
    assert pgtune.parallel_settings(1, "web", 14) == []
    assert pgtune.parallel_settings(12, "web", 13) == [
        ("max_worker_processes", 12),
        ("max_parallel_workers_per_gather", 4),
        ("max_parallel_workers", 12),
        ("max_parallel_maintenance_workers", 4),
    ]
    assert pgtune.parallel_settings(31, "dw", 12)[1] == ("max_parallel_workers_per_gather", 16)


def test_memory_cases_from_pgtune_tests():
    gb = 1024 * 1024
    assert pgtune.maintenance_work_mem_kb(256 * gb, "web") == 8388608
    assert pgtune.maintenance_work_mem_kb(16 * gb, "web") == 1048576
    assert pgtune.huge_pages(pgtune.shared_buffers_kb(4 * gb, "web")) == "off"
    assert pgtune.huge_pages(pgtune.shared_buffers_kb(16 * gb, "web")) == "try"
    assert pgtune.autovacuum_work_mem_kb(pgtune.maintenance_work_mem_kb(4 * gb, "web")) is None
    assert pgtune.autovacuum_work_mem_kb(pgtune.maintenance_work_mem_kb(256 * gb, "web")) == (
        2097152
    )
    # 4GB, 9999 connections, 4 CPUs: floors at 4MB.
    shared = pgtune.shared_buffers_kb(4 * gb, "web")
    par = pgtune.parallel_settings(4, "web", 15)
    assert pgtune.work_mem_kb(4 * gb, shared, 9999, par, "web", "mid") == 4096


def test_small_versions_and_switches():
    assert pgtune.jit(12, "web") == "off"
    assert pgtune.jit(15, "dw") is None
    assert pgtune.wal_compression(14) == "on"
    assert pgtune.wal_compression(17) == "lz4"
    assert [pgtune.autovacuum_max_workers(c) for c in (32, 16, 8)] == [5, 4, None]
    assert pgtune.io_workers(18, 32) == 8
    assert pgtune.io_workers(18, 8) is None
    assert pgtune.io_workers(17, 64) is None
    assert pgtune.io_method(18) == "io_uring"


def test_full_web_16gb_4cpu_ssd_pg17():
    # By hand: RAM = 16777216kB; shared = /4 = 4194304kB = 4GB; ecs = 3/4 = 12GB;
    # maintenance = /16 = 1GB; wal_buffers = 3% = 125829kB > 16MB -> 16MB;
    # work_mem = (16777216 - 4194304) / ((200 + 4) * 3) = 20560.6 -> 20560kB.
    assert pgtune.pgtune(16384, 4, "ssd", 17, "web") == [
        ("max_connections", "200"),
        ("shared_buffers", "4GB"),
        ("effective_cache_size", "12GB"),
        ("maintenance_work_mem", "1GB"),
        ("checkpoint_completion_target", "0.9"),
        ("wal_buffers", "16MB"),
        ("default_statistics_target", "100"),
        ("random_page_cost", "1.1"),
        ("effective_io_concurrency", "200"),
        ("work_mem", "20560kB"),
        ("huge_pages", "try"),
        ("jit", "off"),
        ("wal_compression", "lz4"),
        ("min_wal_size", "1GB"),
        ("max_wal_size", "4GB"),
        ("max_worker_processes", "4"),
        ("max_parallel_workers_per_gather", "2"),
        ("max_parallel_workers", "4"),
        ("max_parallel_maintenance_workers", "2"),
    ]


def test_full_desktop_2gb_no_cpus_hdd_pg13():
    # shared = 2097152/16 = 131072kB = 128MB; ecs = /4 = 512MB; maintenance /16 = 128MB;
    # wal_buffers = 3% of 131072 = 3932kB; work_mem = (2097152 - 131072) / ((20 + 8) * 3)
    # = 23405.7 -> /6 = 3900 -> floor 4MB.
    assert dict(pgtune.pgtune(2048, None, "hdd", 13, "desktop")) == {
        "max_connections": "20",
        "shared_buffers": "128MB",
        "effective_cache_size": "512MB",
        "maintenance_work_mem": "128MB",
        "checkpoint_completion_target": "0.9",
        "wal_buffers": "3932kB",
        "default_statistics_target": "100",
        "random_page_cost": "4",
        "effective_io_concurrency": "2",
        "work_mem": "4MB",
        "huge_pages": "off",
        "wal_compression": "on",
        "min_wal_size": "100MB",
        "max_wal_size": "2GB",
        "wal_level": "minimal",
        "max_wal_senders": "0",
    }


def test_full_dw_64gb_32cpu_nvme_pg18():
    # shared 16GB; maintenance = /8 = 8GB (cap 8GB); autovacuum_work_mem 2GB;
    # work_mem = (67108864 - 16777216) / ((40 + 32) * 3) = 233016.9 -> /2 = 116508kB.
    out = dict(pgtune.pgtune(65536, 32, "nvme", 18, "dw"))
    assert out["shared_buffers"] == "16GB"
    assert out["maintenance_work_mem"] == "8GB"
    assert out["autovacuum_work_mem"] == "2GB"
    assert out["work_mem"] == "116508kB"
    assert out["default_statistics_target"] == "500"
    assert out["random_page_cost"] == "4"
    assert out["max_parallel_workers_per_gather"] == "16"
    assert out["autovacuum_max_workers"] == "5"
    assert out["io_method"] == "io_uring"
    assert out["io_workers"] == "8"
    assert "jit" not in out


def test_db_size_adjusts_work_mem():
    gb = 1024 * 1024
    shared = pgtune.shared_buffers_kb(16 * gb, "oltp")
    base = pgtune.work_mem_kb(16 * gb, shared, 300, [], "oltp", "mid")
    assert pgtune.work_mem_kb(16 * gb, shared, 300, [], "oltp", "less") == int(base * 1.3)
    assert pgtune.work_mem_kb(16 * gb, shared, 300, [], "oltp", "greater") == int(base * 0.9)
