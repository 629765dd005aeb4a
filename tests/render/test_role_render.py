"""The role's rendered files, per Odoo version, against the Traefik v3 schemas, the
Compose Specification schema and our own checks."""

from __future__ import annotations

import copy
import json
import re
import stat
import subprocess
from pathlib import Path

import pytest
from tenant_traefik import (
    check_dynamic,
    check_odoo_routing,
    check_static,
    labels_to_dynamic,
    static_entrypoints,
)

from tests.conftest import ROOT
from tests.render.conftest import (
    COMPOSE,
    DYNAMIC,
    SCHEMAS,
    STATIC,
    VERSIONS,
    ansible_env,
    ansible_playbook_cmd,
    load_yaml,
    schema_errors,
)

SHARED = ROOT.parent / "shared" / "schemas"


def _dynamic_file(project: Path, version: int) -> Path:
    return project / "dynamic" / f"acme-odoo{version}.yml"


def _labels(project: Path) -> dict[str, str]:
    return load_yaml(project / "odoo-web-labels.yml")["labels"]


@pytest.mark.parametrize("version", VERSIONS)
def test_static_config_matches_traefik_v3_schema(rendered: dict[int, Path], version: int) -> None:
    static = load_yaml(rendered[version] / "traefik.yml")
    assert schema_errors(STATIC, static) == []
    assert check_static(static, published_ports=(80, 443)) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_dynamic_config_matches_file_provider_schema(
    rendered: dict[int, Path], version: int
) -> None:
    project = rendered[version]
    dynamic = load_yaml(_dynamic_file(project, version))
    static = load_yaml(project / "traefik.yml")
    assert schema_errors(DYNAMIC, dynamic) == []
    resolvers = list(static["certificatesResolvers"])
    assert (
        check_dynamic(dynamic, entrypoints=static_entrypoints(static), cert_resolvers=resolvers)
        == []
    )
    assert check_odoo_routing(dynamic, odoo_version=version, login_paths=["/web/login"]) == []


def _lower_key(key: str) -> str:
    """A label key in lower case, except a header name (the last part after
    customRequestHeaders), which Traefik passes on as written."""
    head, sep, header = key.partition(".customRequestHeaders.")
    return head.lower() + (".customrequestheaders." + header if sep else "")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("spelling", ["as rendered", "lower case"])
def test_labels_map_to_schema_valid_config(
    rendered: dict[int, Path], version: int, spelling: str
) -> None:
    labels = _labels(rendered[version])
    if spelling == "lower case":
        # How most compose files write them (Traefik reads keys case-insensitively);
        # header names inside customRequestHeaders keep their case.
        labels = {_lower_key(k): v for k, v in labels.items()}
    config, problems = labels_to_dynamic(labels, server_host="odoo-web")
    assert problems == []
    assert schema_errors(DYNAMIC, config) == []
    static = load_yaml(rendered[version] / "traefik.yml")
    assert check_dynamic(config, entrypoints=static_entrypoints(static)) == []
    assert check_odoo_routing(config, odoo_version=version) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_labels_route_exactly_like_the_file_provider(
    rendered: dict[int, Path], version: int
) -> None:
    project = rendered[version]
    from_labels, _ = labels_to_dynamic(_labels(project), server_host="odoo-web")
    from_file = copy.deepcopy(load_yaml(_dynamic_file(project, version)))
    # Only the upstream differs: the container itself vs the app hosts' addresses.
    for cfg in (from_labels, from_file):
        for svc in cfg["http"]["services"].values():
            svc["loadBalancer"]["servers"] = [
                re.sub(r"//[^:/]+:", "//upstream:", s["url"])
                for s in svc["loadBalancer"]["servers"]
            ]
    for svc in from_file["http"]["services"].values():
        svc["loadBalancer"]["servers"] = sorted(set(svc["loadBalancer"]["servers"]))
    assert from_labels == from_file


@pytest.mark.parametrize("version", VERSIONS)
def test_compose_file_matches_compose_spec(rendered: dict[int, Path], version: int) -> None:
    project = rendered[version]
    compose = load_yaml(project / "compose.yml")
    assert schema_errors(COMPOSE, compose) == []
    assert compose["name"] == "acme-traefik"
    service = compose["services"]["traefik"]
    assert re.fullmatch(r"docker\.io/library/traefik:v3\.\d+", service["image"])
    # Only the public entrypoints are published; ping and metrics stay inside.
    assert service["ports"] == ["80:80", "443:443"]
    static = load_yaml(project / "traefik.yml")
    mounts = dict(v.split(":")[:2][::-1] for v in service["volumes"])
    assert mounts["/etc/traefik/traefik.yml"] == str(project / "traefik.yml")
    assert mounts[static["providers"]["file"]["directory"]] == str(project / "dynamic")
    acme_dir = str(Path(static["certificatesResolvers"]["letsencrypt"]["acme"]["storage"]).parent)
    assert mounts[acme_dir] == str(project / "acme")


@pytest.mark.parametrize("version", VERSIONS)
def test_acme_json_is_private(rendered: dict[int, Path], version: int) -> None:
    acme = rendered[version] / "acme" / "acme.json"
    assert stat.S_IMODE(acme.stat().st_mode) == 0o600
    assert stat.S_IMODE(acme.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("version", VERSIONS)
def test_websocket_route_per_version(rendered: dict[int, Path], version: int) -> None:
    dynamic = load_yaml(_dynamic_file(rendered[version], version))
    routers = dynamic["http"]["routers"]
    ws = routers[f"acme-odoo{version}-websocket"]
    expected = "/websocket" if version >= 16 else "/longpolling/"
    assert ws["rule"].endswith(f"PathPrefix(`{expected}`)")
    assert dynamic["http"]["services"][ws["service"]]["loadBalancer"]["servers"] == [
        {"url": "http://10.10.0.11:8072"},
        {"url": "http://10.10.0.12:8072"},
    ]
    # Default admin CIDRs: none, written as a deny-all that Traefik accepts.
    mw = dynamic["http"]["middlewares"][f"acme-odoo{version}-dbmanager-allowlist"]
    assert mw == {"ipAllowList": {"sourceRange": ["0.0.0.0/32", "::/128"]}}
    assert (
        max(r["priority"] for r in routers.values())
        == routers[f"acme-odoo{version}-dbmanager"]["priority"]
    )


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/schemas is not checked out here")
@pytest.mark.parametrize("name", ["traefik-v3.json", "traefik-v3-file-provider.json"])
def test_vendored_schemas_equal_shared(name: str) -> None:
    assert json.loads((SCHEMAS / name).read_text()) == json.loads((SHARED / name).read_text())


def test_second_run_changes_nothing(rendered: dict[int, Path]) -> None:
    render_dir = rendered[17].parent
    proc = subprocess.run(
        ansible_playbook_cmd("-e", f"render_dir={render_dir}", "-e", '{"render_versions": [17]}'),
        cwd=ROOT,
        env=ansible_env(),
        text=True,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"localhost\s+: ok=\d+\s+changed=0\s", proc.stdout), proc.stdout
