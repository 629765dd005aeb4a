"""Shared fixtures. Tests marked `lab` use the real lab (Docker engine, images)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Only an explicit LAB_SKIP=1 skips the lab: a missing engine is a failure, not a skip.
    if os.environ.get("LAB_SKIP") == "1":
        skip = pytest.mark.skip(reason="LAB_SKIP=1: lab tests not run")
        for item in items:
            if "lab" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def lab_env() -> Iterator[dict[str, str]]:
    """Engine running, images built, service images in the lab registry."""
    from lab.cli import lab_environment

    yield lab_environment()


def run_ansible_playbook(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """ansible-playbook from the same environment as pytest (the project's venv)."""
    exe = Path(sys.executable).parent / "ansible-playbook"
    env = {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"}
    return subprocess.run(
        [str(exe), *args], cwd=cwd, text=True, capture_output=True, env=env, check=False
    )
