"""Checks the JSON schemas cannot make; each returns a list of problems (empty = fine).

The schemas accept v2 leftovers (ipWhiteList, headers.sslRedirect...), never look
inside rule strings, and cannot follow references between routers, services,
middlewares and entrypoints. Nor do they know Odoo: which path is the websocket
per version, which routes must not be compressed or buffered, what must outrank
what.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping
from typing import Any

from .inputs import duration_seconds, is_cidr
from .routing import ENTRYPOINT_WEB, ENTRYPOINT_WEBSECURE, websocket_path
from .rules import check_rule, rule_matchers

# Middleware types and options Traefik v3 deprecated or dropped, with the v3 way.
V2_MIDDLEWARES = {"ipWhiteList": "ipAllowList"}
V2_MIDDLEWARE_OPTIONS = {
    "headers": {
        "sslRedirect": "an entrypoint redirection",
        "sslTemporaryRedirect": "an entrypoint redirection",
        "sslHost": "a redirectRegex middleware",
        "sslForceHost": "a redirectRegex middleware",
        "featurePolicy": "permissionsPolicy",
    },
    "stripPrefix": {"forceSlash": "nothing (v3 removed it)"},
}
# Static options v3 removed.
V2_STATIC = {
    ("providers", "docker", "swarmMode"): "providers.swarm",
    ("providers", "docker", "swarmModeRefreshSeconds"): "providers.swarm.refreshSeconds",
    ("pilot",): "nothing (Traefik Pilot is gone)",
    ("experimental", "http3"): "entryPoints.<name>.http3 (no longer experimental)",
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _http(config: Mapping[str, Any]) -> dict[str, Any]:
    return _dict(_dict(config).get("http"))


def check_dynamic(
    config: Mapping[str, Any],
    *,
    entrypoints: Collection[str] | None = None,
    cert_resolvers: Collection[str] | None = None,
    external: Collection[str] = (),
) -> list[str]:
    """Provider-neutral problems in a dynamic configuration.

    Rules must be v3 syntax and no ``ruleSyntax: v2``; every router needs a service;
    every referenced service and middleware must be defined here (or listed in
    ``external``, for names such as ``noop@internal``); entrypoints must exist in
    ``entrypoints`` when given; no v2 middleware or option names; ipAllowList needs a
    non-empty sourceRange of valid addresses (Traefik drops the router otherwise,
    and the request falls through to a lower-priority route).
    """
    problems: list[str] = []
    http = _http(config)
    routers = _dict(http.get("routers"))
    services = _dict(http.get("services"))
    middlewares = _dict(http.get("middlewares"))
    # Keys are matched case-insensitively by Traefik; compare on exact names here
    # because our emitters and labels_to_dynamic produce canonical spellings.
    for name, router in routers.items():
        where = f"http.routers.{name}"
        router = _dict(router)
        rule = router.get("rule")
        if rule is None:
            problems.append(f"{where}: has no rule")
        else:
            problems += [f"{where}.rule: {p}" for p in check_rule(rule)]
        if "ruleSyntax" in router and router["ruleSyntax"] != "v3":
            problems.append(f"{where}.ruleSyntax: {router['ruleSyntax']!r} is v2; remove it")
        service = router.get("service")
        if not service:
            problems.append(f"{where}: has no service")
        elif service not in services and service not in external:
            problems.append(f"{where}.service: {service!r} is not defined")
        for mw in router.get("middlewares") or []:
            if mw not in middlewares and mw not in external:
                problems.append(f"{where}.middlewares: {mw!r} is not defined")
        eps = router.get("entryPoints")
        if entrypoints is not None:
            if not eps:
                problems.append(
                    f"{where}: lists no entryPoints (it would be served on every entrypoint, "
                    "plain HTTP included)"
                )
            for ep in eps or []:
                if ep not in entrypoints:
                    problems.append(f"{where}.entryPoints: {ep!r} is not a static entrypoint")
        resolver = _dict(router.get("tls")).get("certResolver")
        if cert_resolvers is not None and resolver is not None and resolver not in cert_resolvers:
            problems.append(f"{where}.tls.certResolver: {resolver!r} is not a static resolver")
    for name, mw in middlewares.items():
        where = f"http.middlewares.{name}"
        mw = _dict(mw)
        if len(mw) != 1:
            problems.append(f"{where}: must hold exactly one middleware type, has {sorted(mw)}")
        for kind, options in mw.items():
            if kind in V2_MIDDLEWARES:
                problems.append(f"{where}.{kind}: is Traefik v2; use {V2_MIDDLEWARES[kind]}")
            for opt, instead in V2_MIDDLEWARE_OPTIONS.get(kind, {}).items():
                if opt in _dict(options):
                    problems.append(f"{where}.{kind}.{opt}: is Traefik v2; use {instead}")
            if kind == "chain":
                for ref in _dict(options).get("middlewares") or []:
                    if ref not in middlewares and ref not in external:
                        problems.append(f"{where}.chain.middlewares: {ref!r} is not defined")
            if kind == "ipAllowList":
                ranges = _dict(options).get("sourceRange") or []
                if not ranges:
                    problems.append(
                        f"{where}.ipAllowList.sourceRange: is empty; Traefik then drops every "
                        "router using it and requests fall through to other routes"
                    )
                for r in ranges:
                    try:
                        ipaddress.ip_network(str(r), strict=False)
                    except ValueError:
                        problems.append(f"{where}.ipAllowList.sourceRange: {r!r} is not an address")
    for name, svc in services.items():
        lb = _dict(_dict(svc).get("loadBalancer"))
        if "loadBalancer" in _dict(svc) and not lb.get("servers"):
            problems.append(f"http.services.{name}.loadBalancer: has no servers")
    return problems


def _paths(rule: str) -> set[tuple[str, str]]:
    return {
        (m.name, m.args[0])
        for m in rule_matchers(rule)
        if m.name in ("Path", "PathPrefix", "PathRegexp") and m.args
    }


def _ports(service: Mapping[str, Any]) -> set[int]:
    out = set()
    for server in _dict(_dict(service).get("loadBalancer")).get("servers") or []:
        url = str(_dict(server).get("url", ""))
        tail = url.rsplit(":", 1)[-1].rstrip("/")
        if tail.isdigit():
            out.add(int(tail))
    return out


def _kinds(http: Mapping[str, Any], router: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Middleware types applied by a router (through chains too) -> their options."""
    middlewares = _dict(http.get("middlewares"))
    out: dict[str, list[dict[str, Any]]] = {}
    pending = list(router.get("middlewares") or [])
    seen: set[str] = set()
    while pending:
        name = pending.pop(0)
        if name in seen:
            continue
        seen.add(name)
        for kind, options in _dict(middlewares.get(name)).items():
            if kind == "chain":
                pending += list(_dict(options).get("middlewares") or [])
            out.setdefault(kind, []).append(_dict(options))
    return out


def check_odoo_routing(
    config: Mapping[str, Any],
    *,
    odoo_version: int,
    http_port: int = 8069,
    websocket_port: int = 8072,
    login_paths: Collection[str] = ("/web/login",),
) -> list[str]:
    """Odoo-specific problems: the websocket route and its priority per version, the
    database manager's allow list and top priority, upload limit, compression, HSTS
    and login rate limiting on the right routes."""
    problems: list[str] = []
    http = _http(config)
    routers = {k: _dict(v) for k, v in _dict(http.get("routers")).items()}
    services = _dict(http.get("services"))
    ws_path = websocket_path(odoo_version)
    wrong_path = "/longpolling/" if odoo_version >= 16 else "/websocket"

    def prio(r: Mapping[str, Any]) -> int:
        p = r.get("priority")
        # Traefik's default priority is the rule's length.
        return int(p) if isinstance(p, int) else len(str(r.get("rule", "")))

    by_path: dict[str, list[str]] = {}
    main: list[str] = []
    for name, r in routers.items():
        paths = _paths(str(r.get("rule", "")))
        if not paths:
            main.append(name)
        for _kind, value in paths:
            by_path.setdefault(value, []).append(name)
        if any(v.startswith(wrong_path.rstrip("/")) for _k, v in paths):
            problems.append(
                f"http.routers.{name}: routes {wrong_path}, which Odoo {odoo_version} does "
                f"not serve; its real-time channel is {ws_path}"
            )
    if len(main) != 1:
        problems.append(f"exactly one catch-all Host router expected, found {sorted(main)}")
    ws = by_path.get(ws_path, [])
    if len(ws) != 1:
        problems.append(
            f"exactly one router for {ws_path} (Odoo {odoo_version}) expected, found {ws}"
        )
    for name in ws:
        r = routers[name]
        kinds = _kinds(http, r)
        ports = _ports(_dict(services.get(r.get("service"))))
        if ports != {websocket_port}:
            problems.append(
                f"http.routers.{name}: must reach the websocket port {websocket_port} only, "
                f"its service reaches {sorted(ports)}"
            )
        for kind in ("compress", "buffering"):
            if kind in kinds:
                problems.append(f"http.routers.{name}: must not use {kind} on the websocket")
        proto = [
            h.get("customRequestHeaders", {}).get("X-Forwarded-Proto")
            for h in kinds.get("headers", [])
        ]
        if "https" not in proto:
            problems.append(
                f"http.routers.{name}: must force X-Forwarded-Proto to https (Traefik "
                "sends 'wss' on upgrades)"
            )
        for m in main:
            if prio(r) <= prio(routers[m]):
                problems.append(
                    f"http.routers.{name}: priority {prio(r)} must be above the catch-all "
                    f"{m} ({prio(routers[m])})"
                )
    db = [n for p, names in by_path.items() if p.startswith("/web/database") for n in names]
    if len(db) != 1:
        problems.append(f"exactly one router for /web/database expected, found {db}")
    for name in db:
        r = routers[name]
        allow = _kinds(http, r).get("ipAllowList", [])
        if not allow or not all(a.get("sourceRange") for a in allow):
            problems.append(f"http.routers.{name}: must use ipAllowList with a sourceRange")
        else:
            bad = [x for a in allow for x in a["sourceRange"] if not is_cidr(x)]
            if bad:
                problems.append(f"http.routers.{name}: allow list holds non-CIDRs {bad}")
        higher = [o for o in routers if o != name and prio(routers[o]) >= prio(r)]
        if higher:
            problems.append(
                f"http.routers.{name}: priority {prio(r)} must be the highest; "
                f"{sorted(higher)} are not lower"
            )
    for name in main:
        r = routers[name]
        kinds = _kinds(http, r)
        ports = _ports(_dict(services.get(r.get("service"))))
        if ports != {http_port}:
            problems.append(
                f"http.routers.{name}: must reach the HTTP port {http_port} only, reaches "
                f"{sorted(ports)}"
            )
        if "compress" not in kinds:
            problems.append(f"http.routers.{name}: should compress responses")
        if not any(b.get("maxRequestBodyBytes", 0) > 0 for b in kinds.get("buffering", [])):
            problems.append(f"http.routers.{name}: needs a buffering maxRequestBodyBytes limit")
        if not any(h.get("stsSeconds", 0) > 0 for h in kinds.get("headers", [])):
            problems.append(f"http.routers.{name}: needs HSTS (headers.stsSeconds > 0)")
    for path in login_paths:
        names = by_path.get(path, [])
        if not names:
            problems.append(f"no router rate-limits {path}")
        for name in names:
            if "rateLimit" not in _kinds(http, routers[name]):
                problems.append(f"http.routers.{name}: must rate-limit {path}")
    return problems


def _get(config: Mapping[str, Any], *path: str) -> Any:
    node: Any = config
    for p in path:
        if not isinstance(node, Mapping) or p not in node:
            return None
        node = node[p]
    return node


def static_entrypoints(static: Mapping[str, Any]) -> list[str]:
    """Names of the entrypoints a static configuration defines."""
    return sorted(_dict(_dict(static).get("entryPoints")))


def check_static(static: Mapping[str, Any], *, published_ports: Collection[int] = ()) -> list[str]:
    """Problems in traefik.yml: v2 options, web -> websecure redirect, docker provider
    exposing nothing by default, ping and metrics on an entrypoint that is neither
    public nor published, a readTimeout fit for uploads, ACME storage."""
    problems: list[str] = []
    eps = _dict(_dict(static).get("entryPoints"))
    for path, instead in V2_STATIC.items():
        if _get(static, *path) is not None:
            problems.append(f"{'.'.join(path)}: is Traefik v2; use {instead}")
    for name in (ENTRYPOINT_WEB, ENTRYPOINT_WEBSECURE):
        if name not in eps:
            problems.append(f"entryPoints.{name}: missing")
    redirect = _get(static, "entryPoints", ENTRYPOINT_WEB, "http", "redirections", "entryPoint")
    if not isinstance(redirect, Mapping) or redirect.get("to") != ENTRYPOINT_WEBSECURE:
        problems.append("entryPoints.web: must redirect to websecure")
    elif redirect.get("scheme") != "https":
        problems.append("entryPoints.web.http.redirections.entryPoint.scheme: must be https")
    if _get(static, "providers", "docker") is not None and (
        _get(static, "providers", "docker", "exposedByDefault") is not False
    ):
        problems.append(
            "providers.docker.exposedByDefault: must be false (else every container is routed)"
        )
    if not _get(static, "providers", "file", "directory"):
        problems.append("providers.file.directory: missing (dynamic config is read from there)")
    public = {ENTRYPOINT_WEB, ENTRYPOINT_WEBSECURE}
    for what, path in (("ping", ("ping",)), ("metrics", ("metrics", "prometheus"))):
        ep = _get(static, *path, "entryPoint")
        if ep is None:
            problems.append(f"{'.'.join(path)}.entryPoint: missing (it would default to 'traefik')")
        elif ep not in eps:
            problems.append(f"{'.'.join(path)}.entryPoint: {ep!r} is not defined")
        elif ep in public:
            problems.append(
                f"{'.'.join(path)}.entryPoint: {what} must not be on a public entrypoint"
            )
        else:
            port = str(_dict(eps[ep]).get("address", "")).rsplit(":", 1)[-1]
            if port.isdigit() and int(port) in published_ports:
                problems.append(f"entryPoints.{ep}: port {port} serves {what} and is published")
    timeouts = ("transport", "respondingTimeouts", "readTimeout")
    read = _get(static, "entryPoints", ENTRYPOINT_WEBSECURE, *timeouts)
    if read is None:
        problems.append(
            "entryPoints.websecure.transport.respondingTimeouts.readTimeout: unset (Traefik's "
            "60s default cuts uploads and restores)"
        )
    elif 0 < duration_seconds(str(read)) < 300:
        problems.append(
            f"entryPoints.websecure.transport.respondingTimeouts.readTimeout: {read} is "
            "shorter than 300s"
        )
    resolvers = _dict(_dict(static).get("certificatesResolvers"))
    for name, res in resolvers.items():
        acme = _dict(_dict(res).get("acme"))
        if not acme.get("storage"):
            problems.append(f"certificatesResolvers.{name}.acme.storage: missing")
        challenge = _dict(acme.get("httpChallenge")).get("entryPoint")
        if challenge is not None and challenge not in eps:
            problems.append(
                f"certificatesResolvers.{name}.acme.httpChallenge.entryPoint: {challenge!r} "
                "is not defined"
            )
    if _get(static, "accessLog", "format") != "json":
        problems.append("accessLog.format: must be json")
    return problems


def check_tenant(inputs: Mapping[str, Any]) -> list[str]:
    """Every check on everything the role renders for these inputs: the static
    config, the file-provider config and the labels (mapped to canonical names)."""
    # Imported here: routing and labels import nothing from this module, keep it so.
    from .labels import labels_to_dynamic
    from .routing import docker_labels, dynamic_config, static_config

    static = static_config(inputs)
    eps = static_entrypoints(static)
    resolvers = sorted(_dict(static.get("certificatesResolvers")))
    odoo = {
        "odoo_version": int(str(inputs["traefik_odoo_version"]).split(".")[0]),
        "http_port": inputs["traefik_odoo_http_port"],
        "websocket_port": inputs["traefik_odoo_websocket_port"],
        "login_paths": inputs["traefik_login_paths"],
    }
    problems = [f"traefik.yml: {p}" for p in check_static(static, published_ports=(80, 443))]
    dynamic = dynamic_config(inputs)
    problems += [
        f"dynamic: {p}"
        for p in check_dynamic(dynamic, entrypoints=eps, cert_resolvers=resolvers)
        + check_odoo_routing(dynamic, **odoo)
    ]
    labels, label_problems = labels_to_dynamic(docker_labels(inputs), server_host="odoo-web")
    problems += [f"labels: {p}" for p in label_problems]
    problems += [
        f"labels: {p}"
        for p in check_dynamic(labels, entrypoints=eps, cert_resolvers=resolvers)
        + check_odoo_routing(labels, **odoo)
    ]
    return problems
