"""Render the traefik role once per Odoo version, as Ansible would, for every test here."""

from __future__ import annotations

import importlib.resources
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.protocols import Validator

from tests.conftest import ROOT

VERSIONS = (15, 16, 17, 18)
PLAYBOOK = str(ROOT / "tests" / "render" / "playbook.yml")
SCHEMAS = Path(__file__).resolve().parent / "schemas"


def _validator(path: Path, cls: type[Validator], draft: str) -> Validator:
    """A validator of the draft the schema declares, pinned: if a schema update
    changes its draft, this fails instead of silently validating with other rules."""
    schema = json.loads(path.read_text())
    assert draft in schema["$schema"], f"{path.name} now declares {schema['$schema']}"
    cls.check_schema(schema)
    return cls(schema)


STATIC = _validator(SCHEMAS / "traefik-v3.json", Draft7Validator, "draft-07")
DYNAMIC = _validator(SCHEMAS / "traefik-v3-file-provider.json", Draft7Validator, "draft-07")
# check-jsonschema 0.39.0 vendors a compose-spec.json declaring draft 2020-12 and using
# unevaluatedProperties, which a draft-07 validator would silently ignore.
COMPOSE = _validator(
    Path(
        str(
            importlib.resources.files("check_jsonschema.builtin_schemas.vendor")
            / "compose-spec.json"
        )
    ),
    Draft202012Validator,
    "draft/2020-12",
)


def schema_errors(validator: Validator, doc: object) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(doc)
    ]


def ansible_playbook_cmd(*args: str) -> list[str]:
    exe = Path(sys.executable).parent / "ansible-playbook"
    return [str(exe), "-i", "localhost,", PLAYBOOK, *args]


def ansible_env() -> dict[str, str]:
    return {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"}


def load_yaml(path: Path) -> object:
    return yaml.safe_load(path.read_text())


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Project directory rendered by the role for each Odoo version.

    Two ansible-playbook processes of two versions each: the role's run time is mostly
    Ansible's per-task overhead, and CI has two cores.
    """
    out = tmp_path_factory.mktemp("traefik")
    halves = (VERSIONS[:2], VERSIONS[2:])
    procs = [
        subprocess.Popen(
            ansible_playbook_cmd(
                "-e", f"render_dir={out}", "-e", json.dumps({"render_versions": list(half)})
            ),
            cwd=ROOT,
            env=ansible_env(),
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for half in halves
    ]
    for proc in procs:
        stdout, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, stdout
    return {v: out / f"odoo{v}" for v in VERSIONS}
