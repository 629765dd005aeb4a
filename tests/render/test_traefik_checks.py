"""Each of our own checks catches a crafted bad configuration the schemas let through.

Every negative test starts from the generated configuration, which passes (asserted
by ``test_baseline_passes_every_check``), changes one thing and expects the problem.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from ansible.errors import AnsibleFilterError
from tenant_traefik import (
    check_dynamic,
    check_odoo_routing,
    check_rule,
    check_static,
    check_tenant,
    docker_labels,
    dynamic_config,
    input_problems,
    labels_to_dynamic,
    static_config,
    static_entrypoints,
)

from plugins.filter.tenant_traefik import FilterModule
from tests.render.conftest import DYNAMIC, STATIC, schema_errors

INPUTS: dict[str, Any] = {
    "tenant_name": "acme",
    "traefik_domains": ["erp.acme.example"],
    "traefik_admin_cidrs": ["192.0.2.0/24"],
    "traefik_trusted_proxies": [],
    "traefik_odoo_version": 17,
    "traefik_odoo_hosts": ["10.10.0.11"],
    "traefik_odoo_http_port": 8069,
    "traefik_odoo_websocket_port": 8072,
    "traefik_login_paths": ["/web/login", "/web/reset_password"],
    "traefik_login_rate_average": 10,
    "traefik_login_rate_period": "1m",
    "traefik_login_rate_burst": 20,
    "traefik_upload_max_bytes": 134217728,
    "traefik_upload_mem_bytes": 2097152,
    "traefik_hsts_seconds": 31536000,
    "traefik_hsts_include_subdomains": False,
    "traefik_hsts_preload": False,
    "traefik_read_timeout": "1h",
    "traefik_write_timeout": "0s",
    "traefik_idle_timeout": "180s",
    "traefik_acme_email": "",
    "traefik_acme_ca_server": "https://acme-v02.api.letsencrypt.org/directory",
    "traefik_acme_challenge": "http",
    "traefik_cert_resolver": "letsencrypt",
    "traefik_log_level": "INFO",
    "traefik_metrics_port": 8082,
    "traefik_docker_network": "acme-proxy",
}
R = "acme-odoo17-"  # router / service / middleware name prefix for INPUTS
EPS = ["metrics", "web", "websecure"]


def _dyn(version: int = 17) -> dict[str, Any]:
    return copy.deepcopy(dynamic_config({**INPUTS, "traefik_odoo_version": version}))


def _all_dynamic(config: dict[str, Any], version: int = 17) -> list[str]:
    return check_dynamic(
        config, entrypoints=EPS, cert_resolvers=["letsencrypt"]
    ) + check_odoo_routing(config, odoo_version=version, login_paths=INPUTS["traefik_login_paths"])


@pytest.mark.parametrize("version", [15, 16, 17, 18, 19])
def test_baseline_passes_every_check(version: int) -> None:
    inputs = {**INPUTS, "traefik_odoo_version": version}
    assert input_problems(inputs) == []
    assert check_tenant(inputs) == []
    assert _all_dynamic(_dyn(version), version) == []
    assert check_static(static_config(INPUTS), published_ports=(80, 443)) == []


# --- rule syntax -------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        "Host(`a.example`) && !PathPrefix(`/web/database`)",
        '(Host("a.example") || Host(`b.example`)) && Path(`/web/login`)',
        "HostRegexp(`^[a-z]+\\.acme\\.example$`)",
        "Header(`X-Tenant`, `acme`) && Query(`debug`)",
        "QueryRegexp(`db`, `^acme$`) && Method(`POST`) && ClientIP(`192.0.2.0/24`)",
    ],
)
def test_v3_rules_pass(rule: str) -> None:
    assert check_rule(rule) == []


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("HostRegexp(`{sub:[a-z]+}.acme.example`)", "v2 {name:regex} variable"),
        ("Path(`/web/image/{id:[0-9]+}`)", "v2 {name:regex} variable"),
        ("Host(`a.example`, `b.example`)", "takes 1 argument(s), got 2"),
        ("Method(`GET`, `POST`)", "v3 takes one value per matcher"),
        ("Headers(`X-Tenant`, `acme`)", "Headers() is Traefik v2 syntax; v3 uses Header()"),
        ("HeadersRegexp(`X-Tenant`, `a.*`)", "v3 uses HeaderRegexp()"),
        ("HostHeader(`a.example`)", "HostHeader() is Traefik v2 syntax"),
        ("Header(`X-Tenant`)", "Header() takes 2 argument(s), got 1"),
        ("Hosts(`a.example`)", "Hosts() is not a Traefik v3 matcher"),
        ("Host(`a.example`", "expected 'rp'"),
        ("Host(`a.example`) &&", "expected a matcher"),
        ("Host(acme)", "expected a quoted argument"),
        ("Host(a.example)", "unexpected character"),
        ("Host(`a.example`) Path(`/x`)", "after a complete rule"),
        ("PathPrefix(`web`)", "must start with '/'"),
        ("Host(`bücher.example`)", "must be ASCII"),
        ("", "empty rule"),
    ],
)
def test_bad_rules_are_refused(rule: str, expected: str) -> None:
    problems = check_rule(rule)
    assert any(expected in p for p in problems), problems


def test_schema_does_not_read_rules_but_we_do() -> None:
    cfg = _dyn()
    cfg["http"]["routers"][R + "main"]["rule"] = "HostRegexp(`{sub:.+}.acme.example`)"
    assert schema_errors(DYNAMIC, cfg) == []  # the gap
    assert any("v2 {name:regex}" in p for p in check_dynamic(cfg))


# --- references and v2 leftovers -----------------------------------------------------


def _drop_service(c: dict[str, Any]) -> None:
    del c["http"]["routers"][R + "main"]["service"]


def _undefined_service(c: dict[str, Any]) -> None:
    c["http"]["routers"][R + "main"]["service"] = "acme-odoo17-nope"


def _undefined_middleware(c: dict[str, Any]) -> None:
    c["http"]["routers"][R + "main"]["middlewares"].append("acme-typo")


def _undefined_entrypoint(c: dict[str, Any]) -> None:
    c["http"]["routers"][R + "main"]["entryPoints"] = ["https"]


def _no_entrypoints(c: dict[str, Any]) -> None:
    del c["http"]["routers"][R + "main"]["entryPoints"]


def _undefined_resolver(c: dict[str, Any]) -> None:
    c["http"]["routers"][R + "main"]["tls"]["certResolver"] = "le"


def _ipwhitelist(c: dict[str, Any]) -> None:
    mws = c["http"]["middlewares"]
    mws[R + "dbmanager-allowlist"] = {"ipWhiteList": mws[R + "dbmanager-allowlist"]["ipAllowList"]}


def _ssl_redirect(c: dict[str, Any]) -> None:
    c["http"]["middlewares"][R + "hsts"]["headers"]["sslRedirect"] = True


def _empty_allowlist(c: dict[str, Any]) -> None:
    c["http"]["middlewares"][R + "dbmanager-allowlist"]["ipAllowList"]["sourceRange"] = []


def _bad_address(c: dict[str, Any]) -> None:
    c["http"]["middlewares"][R + "dbmanager-allowlist"]["ipAllowList"]["sourceRange"] = ["office"]


def _rule_syntax_v2(c: dict[str, Any]) -> None:
    c["http"]["routers"][R + "main"]["ruleSyntax"] = "v2"


def _chain_to_nowhere(c: dict[str, Any]) -> None:
    c["http"]["middlewares"]["acme-chain"] = {"chain": {"middlewares": ["acme-missing"]}}


@pytest.mark.parametrize(
    ("mutate", "expected", "schema_catches"),
    [
        (_drop_service, "has no service", True),  # the schema knows this one
        (_undefined_service, "'acme-odoo17-nope' is not defined", False),
        (_undefined_middleware, "'acme-typo' is not defined", False),
        (_undefined_entrypoint, "'https' is not a static entrypoint", False),
        (_no_entrypoints, "lists no entryPoints", False),
        (_undefined_resolver, "'le' is not a static resolver", False),
        (_ipwhitelist, "ipWhiteList: is Traefik v2; use ipAllowList", False),
        (_ssl_redirect, "sslRedirect: is Traefik v2", False),
        (_empty_allowlist, "sourceRange: is empty", False),
        (_bad_address, "'office' is not an address", False),
        (_rule_syntax_v2, "ruleSyntax: 'v2' is v2", False),
        (_chain_to_nowhere, "chain.middlewares: 'acme-missing' is not defined", False),
    ],
)
def test_check_dynamic_catches(
    mutate: Callable[[dict[str, Any]], None], expected: str, schema_catches: bool
) -> None:
    cfg = _dyn()
    mutate(cfg)
    # Each of these is something the schema accepts: that is why the check exists.
    assert bool(schema_errors(DYNAMIC, cfg)) is schema_catches
    problems = check_dynamic(cfg, entrypoints=EPS, cert_resolvers=["letsencrypt"])
    assert any(expected in p for p in problems), problems


# --- Odoo routing --------------------------------------------------------------------


def _router(c: dict[str, Any], concern: str) -> dict[str, Any]:
    return c["http"]["routers"][R + concern]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda c: _router(c, "websocket").update(priority=50), "must be above the catch-all"),
        (
            lambda c: _router(c, "websocket")["middlewares"].append(R + "compress"),
            "must not use compress on the websocket",
        ),
        (
            lambda c: _router(c, "websocket")["middlewares"].append(R + "upload-limit"),
            "must not use buffering on the websocket",
        ),
        (
            lambda c: _router(c, "websocket")["middlewares"].remove(R + "forwarded-https"),
            "must force X-Forwarded-Proto to https",
        ),
        (
            lambda c: _router(c, "websocket").update(service=R + "http"),
            "must reach the websocket port 8072 only",
        ),
        (lambda c: _router(c, "login").update(priority=401), "must be the highest"),
        (
            lambda c: _router(c, "dbmanager")["middlewares"].remove(R + "dbmanager-allowlist"),
            "must use ipAllowList",
        ),
        (
            lambda c: _router(c, "main")["middlewares"].remove(R + "compress"),
            "should compress responses",
        ),
        (
            lambda c: _router(c, "main")["middlewares"].remove(R + "upload-limit"),
            "needs a buffering maxRequestBodyBytes limit",
        ),
        (lambda c: _router(c, "main")["middlewares"].remove(R + "hsts"), "needs HSTS"),
        (
            lambda c: _router(c, "login")["middlewares"].remove(R + "login-ratelimit"),
            "must rate-limit /web/login",
        ),
        (
            lambda c: _router(c, "main").update(service=R + "websocket"),
            "must reach the HTTP port 8069 only",
        ),
        (lambda c: c["http"]["routers"].pop(R + "dbmanager"), "/web/database expected"),
    ],
)
def test_check_odoo_routing_catches(mutate: Callable[[dict[str, Any]], Any], expected: str) -> None:
    cfg = _dyn()
    mutate(cfg)
    assert schema_errors(DYNAMIC, cfg) == []
    problems = check_odoo_routing(cfg, odoo_version=17, login_paths=INPUTS["traefik_login_paths"])
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(("rendered_for", "checked_as"), [(15, 16), (16, 15), (15, 18)])
def test_websocket_route_of_the_wrong_version_is_refused(
    rendered_for: int, checked_as: int
) -> None:
    problems = check_odoo_routing(_dyn(rendered_for), odoo_version=checked_as)
    assert any(f"which Odoo {checked_as} does not serve" in p for p in problems), problems
    assert any("exactly one router for" in p for p in problems), problems


def test_default_priority_is_rule_length() -> None:
    # Without explicit priorities Traefik sorts by rule length; the check uses the same.
    cfg = _dyn()
    for r in cfg["http"]["routers"].values():
        del r["priority"]
    problems = check_odoo_routing(cfg, odoo_version=17, login_paths=INPUTS["traefik_login_paths"])
    assert any("must be the highest" in p for p in problems), problems


# --- static --------------------------------------------------------------------------


def _static() -> dict[str, Any]:
    return copy.deepcopy(static_config(INPUTS))


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda s: s["entryPoints"]["web"].pop("http"), "must redirect to websecure"),
        (
            lambda s: s["providers"]["docker"].update(exposedByDefault=True),
            "exposedByDefault: must be false",
        ),
        (lambda s: s["ping"].update(entryPoint="websecure"), "must not be on a public entrypoint"),
        (lambda s: s.pop("ping"), "ping.entryPoint: missing"),
        (
            lambda s: s["metrics"]["prometheus"].update(entryPoint="admin"),
            "'admin' is not defined",
        ),
        (
            lambda s: s["entryPoints"]["websecure"]["transport"]["respondingTimeouts"].update(
                readTimeout="60s"
            ),
            "is shorter than 300s",
        ),
        (
            lambda s: s["entryPoints"]["websecure"].pop("transport"),
            "Traefik's 60s default cuts uploads",
        ),
        (
            lambda s: s["providers"]["docker"].update(swarmMode=True),
            "providers.docker.swarmMode: is Traefik v2",
        ),
        (
            lambda s: s["certificatesResolvers"]["letsencrypt"]["acme"]["httpChallenge"].update(
                entryPoint="http"
            ),
            "httpChallenge.entryPoint: 'http' is not defined",
        ),
        (lambda s: s["accessLog"].update(format="common"), "accessLog.format: must be json"),
    ],
)
def test_check_static_catches(mutate: Callable[[dict[str, Any]], Any], expected: str) -> None:
    static = _static()
    mutate(static)
    problems = check_static(static, published_ports=(80, 443))
    assert any(expected in p for p in problems), problems


def test_published_metrics_port_is_refused() -> None:
    problems = check_static(_static(), published_ports=(80, 443, 8082))
    assert any("port 8082 serves ping and is published" in p for p in problems), problems


def test_static_schema_accepts_what_check_static_refuses() -> None:
    static = _static()
    static["providers"]["docker"]["exposedByDefault"] = True
    static["ping"]["entryPoint"] = "websecure"
    assert schema_errors(STATIC, static) == []
    assert len(check_static(static)) == 2


# --- labels --------------------------------------------------------------------------


def _labels() -> dict[str, str]:
    return dict(docker_labels(INPUTS, "acme-proxy"))


def test_lower_case_labels_map_to_canonical_names() -> None:
    labels = {k.lower() if "customRequestHeaders" not in k else k: v for k, v in _labels().items()}
    config, problems = labels_to_dynamic(labels)
    assert problems == []
    assert schema_errors(DYNAMIC, config) == []
    mw = config["http"]["middlewares"][R + "dbmanager-allowlist"]
    assert mw == {"ipAllowList": {"sourceRange": ["192.0.2.0/24"]}}
    assert config["http"]["routers"][R + "main"]["priority"] == 100
    assert config["http"]["services"][R + "http"]["loadBalancer"]["servers"] == [
        {"url": "http://container:8069"}
    ]


def test_without_mapping_the_schema_rejects_lower_case_keys() -> None:
    # What validating naively would do: keys as written, one dict level per dot.
    doc: dict[str, Any] = {}
    for key, value in _labels().items():
        if not key.startswith("traefik.http."):
            continue
        node = doc
        parts = key.lower().split(".")[1:]
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    assert schema_errors(DYNAMIC, doc) != []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {f"traefik.http.services.{R}http.loadbalancer.sever.port": "8069"},
            "unknown key 'sever'",
        ),
        ({f"traefik.http.routers.{R}main.priority": "high"}, "'high' is not an integer"),
        ({"traefik.enable": "false"}, "traefik.enable: must be 'true'"),
        ({"traefik.tcp.routers.x.rule": "HostSNI(`*`)"}, "not a traefik.http."),
    ],
)
def test_label_mapping_reports(change: dict[str, str], expected: str) -> None:
    _, problems = labels_to_dynamic({**_labels(), **change})
    assert any(expected in p for p in problems), problems


def test_v2_label_names_are_mapped_then_refused() -> None:
    labels = _labels()
    labels = {k.replace(".ipAllowList.", ".ipwhitelist."): v for k, v in labels.items()}
    config, problems = labels_to_dynamic(labels)
    assert problems == []
    assert schema_errors(DYNAMIC, config) == []  # the schema still lists ipWhiteList
    assert any("ipWhiteList: is Traefik v2" in p for p in check_dynamic(config))


# --- inputs and the filter plugin ---------------------------------------------------


@pytest.mark.parametrize(
    ("var", "value", "expected"),
    [
        ("traefik_domains", ["erp_acme.example"], "'erp_acme.example' is not a valid host name"),
        ("traefik_domains", ["*.acme.example"], "is not a valid host name"),
        ("traefik_domains", ["https://acme.example"], "is not a valid host name"),
        ("traefik_domains", ["localhost"], "is not a valid host name"),
        ("traefik_domains", [], "must be a non-empty list"),
        ("traefik_admin_cidrs", ["192.0.2.1/24"], "did you mean 192.0.2.0/24"),
        ("traefik_admin_cidrs", ["192.0.2.7"], "x.x.x.x/32"),
        ("traefik_admin_cidrs", ["10.0.0.300/8"], "'10.0.0.300/8' is not a CIDR"),
        ("traefik_trusted_proxies", ["lb"], "traefik_trusted_proxies: 'lb' is not a CIDR"),
        ("traefik_odoo_version", 14, "traefik_odoo_version: 14 is not supported"),
        ("traefik_odoo_version", "17.1", "is not supported"),
        ("traefik_odoo_websocket_port", 8069, "must differ from traefik_odoo_http_port"),
        ("traefik_read_timeout", "60s", "too short for uploads"),
        ("traefik_read_timeout", "an hour", "is not a duration"),
        ("traefik_odoo_hosts", [], "traefik_odoo_hosts: must list at least one"),
        ("traefik_acme_email", "ops", "is not an e-mail address"),
        ("traefik_metrics_port", 443, "must not be 80 or 443"),
        ("traefik_hsts_seconds", 0, "traefik_hsts_seconds: must be >= 1"),
    ],
)
def test_input_problems_name_the_variable(var: str, value: Any, expected: str) -> None:
    problems = input_problems({**INPUTS, var: value})
    assert any(p.startswith(f"{var}:") and expected in p for p in problems), problems


def test_odoo_version_spellings() -> None:
    for spelling in (17, "17", "17.0"):
        assert input_problems({**INPUTS, "traefik_odoo_version": spelling}) == []


def test_filter_plugin_raises_ansible_errors_naming_the_variable() -> None:
    filters = FilterModule().filters()
    with pytest.raises(AnsibleFilterError, match=r"traefik_domains: 'bad_host!'"):
        filters["tenant_traefik_dynamic"]({**INPUTS, "traefik_domains": ["bad_host!"]})
    with pytest.raises(AnsibleFilterError, match=r"traefik_cert_resolver: missing"):
        filters["tenant_traefik_static"](
            {k: v for k, v in INPUTS.items() if k != "traefik_cert_resolver"}
        )
    assert filters["tenant_traefik_problems"](INPUTS) == []
    mapped = filters["tenant_traefik_labels_to_dynamic"](filters["tenant_traefik_labels"](INPUTS))
    assert mapped["problems"] == []
    assert static_entrypoints(filters["tenant_traefik_static"](INPUTS)) == EPS
