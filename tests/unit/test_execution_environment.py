"""execution-environment.yml: `ansible-builder create` writes a build context offline,
with the project's pins and the same requirements.yml a project sync installs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import ROOT


def test_ansible_builder_creates_the_build_context(tmp_path):
    context = tmp_path / "context"
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-builder"),
            "create",
            "-f",
            str(ROOT / "execution-environment.yml"),
            "-c",
            str(context),
            "--output-filename",
            "Containerfile",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-core==2.19.14" in containerfile
    assert "ansible-runner==2.4.3" in containerfile
    # The collections of the EE are exactly the project's requirements.yml.
    assert (context / "_build" / "requirements.yml").read_text() == (
        ROOT / "requirements.yml"
    ).read_text()
    python = (context / "_build" / "requirements.txt").read_text()
    assert "docker==7.2.0" in python and "psycopg[binary]==3.3.9" in python


def test_pins_match_pyproject():
    ee = yaml.safe_load((ROOT / "execution-environment.yml").read_text())
    pyproject = (ROOT / "pyproject.toml").read_text()
    for pin in (
        ee["dependencies"]["ansible_core"]["package_pip"],
        ee["dependencies"]["ansible_runner"]["package_pip"],
        *ee["dependencies"]["python"],
    ):
        if "==" in pin:
            assert f'"{pin}"' in pyproject, f"{pin} differs from pyproject.toml"
