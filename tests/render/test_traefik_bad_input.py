"""Bad Traefik inventory values stop the role before it writes anything, and the
message names the variable (argument specs for types and choices, the role's
preflight for host names and CIDRs)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.render.conftest import ansible_env, ansible_playbook_cmd


def _run(tmp_path: Path, extra: dict[str, Any]) -> tuple[int, str]:
    proc = subprocess.run(
        ansible_playbook_cmd(
            "-e",
            f"render_dir={tmp_path}",
            "-e",
            json.dumps({"render_versions": [17], **extra}),
        ),
        cwd=ROOT,
        env=ansible_env(),
        text=True,
        capture_output=True,
        check=False,
    )
    return proc.returncode, " ".join((proc.stdout + proc.stderr).split())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"traefik_domains": ["erp.acme.example", "bad_domain!"]},
            "traefik_domains: 'bad_domain!' is not a valid host name",
        ),
        (
            {"traefik_admin_cidrs": ["192.0.2.0/24", "10.0.0.300/8"]},
            "traefik_admin_cidrs: '10.0.0.300/8' is not a CIDR",
        ),
        (
            {"traefik_odoo_version": 14},
            "value of traefik_odoo_version must be one of: 15, 16, 17, 18, 19, got: 14",
        ),
        (
            {"traefik_acme_challenge": "dns"},
            "value of traefik_acme_challenge must be one of: http, tls, got: dns",
        ),
    ],
)
def test_bad_value_stops_the_role_naming_the_variable(
    tmp_path: Path, extra: dict[str, Any], message: str
) -> None:
    rc, out = _run(tmp_path, extra)
    assert rc != 0
    assert message in out, out
    # Nothing was rendered: the checks run before the first file task. The control
    # (the same playbook with good values renders) is the `rendered` fixture.
    assert list(tmp_path.iterdir()) == []
