"""Checks on the converged VM, written from what an operator expects, not from the
role's variables (dev-sec style): a wrong default in the role fails here."""

import pytest

SYSCTL_FILE = "/etc/sysctl.d/60-odoo-tenant.conf"


@pytest.mark.parametrize("pkg", ["ca-certificates", "curl", "tzdata", "systemd-timesyncd"])
def test_packages_installed(host, pkg):
    assert host.package(pkg).is_installed


def test_timezone(host):
    assert host.file("/etc/localtime").linked_to == "/usr/share/zoneinfo/Europe/Brussels"
    assert host.file("/etc/timezone").content_string.strip() == "Europe/Brussels"
    assert host.check_output("date +%Z") in ("CET", "CEST")


def test_time_sync_enabled_with_servers(host):
    assert host.service("systemd-timesyncd").is_enabled
    conf = host.file("/etc/systemd/timesyncd.conf.d/60-odoo-tenant.conf").content_string
    assert "NTP=0.debian.pool.ntp.org 1.debian.pool.ntp.org" in conf


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("vm.overcommit_memory", "1"),  # Redis background saves
        ("net.core.somaxconn", "4096"),
        ("vm.swappiness", "1"),
        ("net.ipv4.ip_forward", "1"),  # Docker needs it; must never be turned off
    ],
)
def test_sysctl_persisted(host, key, value):
    lines = host.file(SYSCTL_FILE).content_string.splitlines()
    assert f"{key}={value}" in [line.replace(" ", "") for line in lines]


def test_ip_forward_live(host):
    # Docker's port publishing needs forwarding; base must not have broken it.
    assert host.sysctl("net.ipv4.ip_forward") == 1


def test_sysctl_file_not_world_writable(host):
    f = host.file(SYSCTL_FILE)
    assert f.user == "root"
    assert not f.mode & 0o002


def test_thp_unit_enabled(host):
    unit = host.file("/etc/systemd/system/odoo-tenant-thp.service").content_string
    assert "echo never > /sys/kernel/mm/transparent_hugepage/enabled" in unit
    assert host.service("odoo-tenant-thp").is_enabled


def test_journald_capped(host):
    conf = host.file("/etc/systemd/journald.conf.d/60-odoo-tenant.conf").content_string
    assert "SystemMaxUse=1G" in conf
    assert "MaxRetentionSec=1month" in conf
    assert host.service("systemd-journald").is_running
