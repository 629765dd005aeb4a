"""tenantctl's commands: the registry, plan and status rendering from real plans and
real `docker ps` / psql line formats, the progress display from runner-shaped events."""

from __future__ import annotations

import io

import tenant_sizing

from tenantctl import ansible_run, cli, plan, status


def test_every_subcommand_is_registered():
    parser = cli.build_parser()
    names = set(parser._subparsers._group_actions[0].choices)  # argparse keeps them here
    assert {"size", "new", "plan", "deploy", "status", "lab"} <= names


def test_lab_delegates_to_the_lab_cli(capsys):
    # `lab up` with a bad --vms value is refused by lab's own parser (exit 2, no engine).
    try:
        code = cli.main(["lab", "up", "x", "--vms", "not-a-number"])
    except SystemExit as exc:  # lab's argparse exits as any CLI does
        code = int(exc.code or 0)
    assert code == 2
    assert "invalid int value" in capsys.readouterr().err


def test_plan_renders_what_each_role_applies():
    facts = {"cpus": 2.0, "memory_mb": 4096, "storage_class": "ssd", "data_volume_gb": 80}
    db = tenant_sizing.plan_host({"cpus": 2, "memory_mb": 4096, "layout": "db"})
    app = tenant_sizing.plan_host({"cpus": 2, "memory_mb": 4096, "layout": "app"})
    db_text = plan.render_host(
        "db-1", {"facts": facts, "postgresql": db, "postgresql_cluster": {"max_connections": 60}}
    )
    assert "##### db-1: 2.0 CPUs, 4096 MiB, ssd, 80 GB volume" in db_text
    assert "layout db" in db_text and "shared_buffers" in db_text
    assert "cluster-wide (a standby refuses to start below its primary): max_connections 60" in (
        db_text
    )
    assert "== odoo:" not in db_text  # no Odoo section on a database host
    app_text = plan.render_host("app-1", {"facts": facts, "odoo": app, "redis": app})
    assert "== odoo: odoo-web options ==" in app_text
    assert "odoo-web.memory_mb" in app_text and "redis.memory_mb" in app_text
    assert "postgresql.conf" not in app_text


def test_status_parses_docker_ps_and_replication():
    report = {
        "groups": ["postgres_primary"],
        "containers": [
            "acme-postgresql|running|Up 3 minutes (healthy)|10.0.0.2:5432->5432/tcp",
            "acme-odoo-cron|exited|Exited (1) 2 minutes ago|",
        ],
        "primary": ["db_2|10.0.0.3|streaming|async|0|0.002"],
        "primary_error": "",
    }
    s = status.summarise({"db-1": report})["db-1"]
    assert s["containers"][0]["health"] == "healthy"
    assert s["containers"][1]["state"] == "exited" and s["containers"][1]["health"] == "-"
    assert s["replication"]["replicas"][0] == {
        "replica": "db_2",
        "address": "10.0.0.3",
        "state": "streaming",
        "sync": "async",
        "lag_bytes": "0",
        "replay_lag_s": "0.002",
    }
    text = status.render(status.summarise({"db-1": report}))
    assert "postgresql: primary, 1 replica(s) streaming" in text
    replica = status.summarise({"db-2": {"groups": [], "replica": "t|streaming|0.5"}})["db-2"]
    assert replica["replication"]["in_recovery"] is True
    assert replica["replication"]["receiver"] == "streaming"


def test_progress_reports_plays_tasks_and_host_outcomes():
    out = io.StringIO()
    progress = ansible_run.Progress(out)
    events = [
        {"event": "playbook_on_play_start", "event_data": {"play": "Redis"}},
        {"event": "playbook_on_task_start", "event_data": {"task": "Write redis.conf"}},
        {"event": "runner_on_ok", "event_data": {"host": "app-1", "res": {"changed": True}}},
        {"event": "runner_on_failed", "event_data": {"host": "app-2", "res": {"msg": "x"}}},
        {
            "event": "runner_on_failed",
            "event_data": {"host": "app-3", "ignore_errors": True, "res": {}},
        },
    ]
    for event in events:
        progress.event(event)
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("PLAY Redis")
    assert lines[1].endswith("Redis | Write redis.conf")
    assert lines[2].strip() == "app-1: changed"
    assert lines[3].endswith("app-2: failed: Write redis.conf")
    assert len(lines) == 4  # an ignored failure is not reported as one
