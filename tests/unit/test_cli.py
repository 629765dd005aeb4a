"""tenantctl size: table, JSON and conf output; bad input is one line, exit 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tenantctl import cli

ROOT = Path(__file__).resolve().parents[2]


def test_table_prints_each_service_with_reasons(capsys):
    assert cli.main(["size", "--cpus", "4", "--memory", "16G", "--users", "30"]) == 0
    out = capsys.readouterr().out
    for title in ("budget: memory", "odoo: odoo-web options", "postgresql 17 (odoo)", "redis"):
        assert f"== {title}" in out
    assert "shared_buffers" in out and "25% of PostgreSQL's" in out
    assert "workers            5" in out


def test_json_has_postgresql_settings_as_conf_strings(capsys):
    assert cli.main(["size", "--cpus", "2", "--memory", "4096", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    settings = plan["postgresql"]["settings"]
    assert all(isinstance(entry["value"], str) for entry in settings.values())
    assert settings["shared_buffers"]["value"] == "167MB"
    assert settings["max_connections"]["value"] == "47"


def test_conf_format_is_renderable(capsys):
    assert cli.main(["size", "--cpus", "2", "--memory", "8G", "--format", "postgresql.conf"]) == 0
    assert "\nmax_connections = " in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["size", "--cpus", "0", "--memory", "8G"], "cpus='0' must be greater than 0"),
        (["size", "--cpus", "-1", "--memory", "8G"], "cpus='-1' is too small"),
        (["size", "--cpus", "2", "--memory", "1G"], "memory_mb=1024 is too small"),
        (["size", "--cpus", "2", "--memory", "8G", "--profile", "x"], "profile='x'"),
        (["size", "--cpus", "2", "--memory", "8G", "--pg", "11"], "pg_version=11 is not supported"),
        (["size", "--cpus", "2"], "required: --memory"),
        (["size", "--cpus", "2", "--memory", "8G", "--format", "xml"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_input_exit_2_one_line(capsys, argv, fragment):
    assert cli.main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert fragment in captured.err
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_console_process_bad_input_has_no_traceback():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT)])}
    proc = subprocess.run(
        [sys.executable, "-m", "tenantctl.cli", "size", "--cpus", "2", "--memory", "512"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("tenantctl: memory_mb=512 is too small")
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
