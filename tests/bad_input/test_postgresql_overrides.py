"""postgresql_overrides that PostgreSQL would refuse stop the run with PostgreSQL's own
words, before any container changes; the check is made by a real PostgreSQL 17."""

from __future__ import annotations

import json

import pytest

from lab import images
from tests.conftest import ROOT, run_ansible_playbook

pytestmark = pytest.mark.lab


def check(overrides: dict[str, str]) -> tuple[int, str]:
    extra = {"postgresql_image": images.ensure("postgres"), "postgresql_overrides": overrides}
    proc = run_ansible_playbook(
        str(ROOT / "tests" / "bad_input" / "check_overrides.yml"), "-e", json.dumps(extra)
    )
    return proc.returncode, " ".join((proc.stdout + proc.stderr).split())


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"shared_buffers": "lots"}, 'invalid value for parameter "shared_buffers": "lots"'),
        ({"shared_bufers": "1GB"}, 'unrecognized configuration parameter "shared_bufers"'),
        ({"wal_level": "logical", "max_connections": "-3"}, "max_connections"),
    ],
)
def test_rejected_override_stops_the_run(lab_env, overrides: dict[str, str], words: str) -> None:
    rc, out = check(overrides)
    assert rc != 0
    assert "postgresql_overrides is refused by PostgreSQL 17" in out, out
    assert words in out, out
    assert "Fix or remove that override." in out


def test_accepted_overrides_pass(lab_env) -> None:
    rc, out = check({"work_mem": "64MB", "log_min_duration_statement": "500ms"})
    assert rc == 0, out
