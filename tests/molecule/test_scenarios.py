"""Every Molecule scenario, run for real on lab VMs (create → converge → idempotence →
verify → destroy). The full log of each run is kept under .cache/logs/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
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


# Scenarios run this many at a time. A run is mostly waiting (VM boot, apt, image
# pulls, PostgreSQL starting, polls), so on 2 cores 3 at once finish sooner than one
# after another; every scenario has its own VM names, so they cannot collide.
JOBS = int(os.environ.get("MOLECULE_JOBS", "3"))


def run_scenario(scenario: str, env: dict[str, str]) -> tuple[int, Path]:
    logs = ROOT / ".cache" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"molecule-{scenario}.log"
    with log.open("w") as out:
        proc = subprocess.run(
            ["molecule", "test", "-s", scenario],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return proc.returncode, log


@pytest.fixture(scope="session")
def scenario_runs(
    request: pytest.FixtureRequest, lab_env: dict[str, str]
) -> Iterator[dict[str, Future[tuple[int, Path]]]]:
    """Start every scenario this session selected (after -k and friends), JOBS at a time;
    each test waits for its own."""
    selected = [
        item.callspec.params["scenario"]
        for item in request.session.items
        if getattr(item, "originalname", "") == "test_molecule_scenario"
    ]
    # Longest first, so the slow ones do not start last.
    order = sorted(selected, key=lambda name: -SCENARIO_WEIGHT.get(name, 1))
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        **lab_env,
        "PATH": f"{bindir}:{os.environ['PATH']}",
        "ANSIBLE_FORCE_COLOR": "0",
        "NO_COLOR": "1",
        "PY_COLORS": "0",
    }
    with ThreadPoolExecutor(max_workers=max(JOBS, 1)) as pool:
        yield {name: pool.submit(run_scenario, name, env) for name in order}


# Rough minutes per scenario alone, measured here; only the start order uses them.
SCENARIO_WEIGHT = {"postgresql_failover": 10, "tenant": 9, "app": 7, "postgresql": 4}


@pytest.mark.lab
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_molecule_scenario(
    scenario: str, scenario_runs: dict[str, Future[tuple[int, Path]]]
) -> None:
    returncode, log = scenario_runs[scenario].result()
    text = ANSI.sub("", log.read_text())
    tail = "\n".join(text.splitlines()[-80:])
    assert returncode == 0, f"molecule test -s {scenario} failed (log: {log}):\n{tail}"
    # Molecule prints "➜" on a terminal and ">" otherwise.
    for step in ("idempotence", "verify"):
        assert re.search(rf"{scenario} (➜|>) {step}: Executed: Successful", text), tail
