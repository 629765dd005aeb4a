"""Every Molecule scenario, run for real on lab VMs (create → converge → idempotence →
verify → destroy). The full log of each run is kept under .cache/logs/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

SCENARIOS = sorted(p.parent.name for p in (ROOT / "molecule").glob("*/molecule.yml"))
SHARED = yaml.safe_load((ROOT / ".config" / "molecule" / "config.yml").read_text())
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_scenarios_found() -> None:
    assert {"base", "docker"} <= set(SCENARIOS)


def test_idempotence_is_never_disabled() -> None:
    # A scenario may not drop the idempotence step: a second converge must be changed=0.
    for name in SCENARIOS:
        conf = yaml.safe_load((ROOT / "molecule" / name / "molecule.yml").read_text())
        seq = (conf.get("scenario") or {}).get("test_sequence") or SHARED["scenario"][
            "test_sequence"
        ]
        assert "idempotence" in seq, f"scenario {name} has no idempotence step"


@pytest.mark.lab
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario(scenario: str, lab_env: dict[str, str]) -> None:
    logs = ROOT / ".cache" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"molecule-{scenario}.log"
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        **lab_env,
        "PATH": f"{bindir}:{os.environ['PATH']}",
        "ANSIBLE_FORCE_COLOR": "0",
        "NO_COLOR": "1",
        "PY_COLORS": "0",
    }
    with log.open("w") as out:
        proc = subprocess.run(
            ["molecule", "test", "-s", scenario],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    text = ANSI.sub("", log.read_text())
    tail = "\n".join(text.splitlines()[-80:])
    assert proc.returncode == 0, f"molecule test -s {scenario} failed (log: {log}):\n{tail}"
    # Molecule prints "➜" on a terminal and ">" otherwise.
    for step in ("idempotence", "verify"):
        assert re.search(rf"{scenario} (➜|>) {step}: Executed: Successful", text), tail
