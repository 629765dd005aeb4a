"""Traefik v3 configuration for one Odoo tenant, built once and emitted three ways.

``routing_model`` decides routers, services and middlewares per Odoo version;
``dynamic_config`` emits it for the file provider (our primary mechanism),
``docker_labels`` as Docker labels for the odoo role's web service, and
``static_config`` is traefik.yml. Templates only format these dicts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .inputs import normalise_inputs

ENTRYPOINT_WEB = "web"
ENTRYPOINT_WEBSECURE = "websecure"
ENTRYPOINT_METRICS = "metrics"

# Explicit priorities (Traefik's default is the rule's length, which shifts whenever a
# domain is added). The database manager is highest so no other route can shadow its
# allow list; login beats the websocket only because neither overlaps the other.
PRIORITY = {"dbmanager": 400, "login": 300, "websocket": 200, "main": 100}

# Where Traefik's own files live inside its container.
CONTAINER_STATIC = "/etc/traefik/traefik.yml"
CONTAINER_DYNAMIC_DIR = "/etc/traefik/dynamic"
CONTAINER_ACME_STORAGE = "/etc/traefik/acme/acme.json"

# ipAllowList refuses an empty sourceRange ("sourceRange is empty, IPAllowLister not
# created"): the router is then dropped and /web/database falls through to the main
# route. Deny-all is therefore written as the unspecified addresses, which are never
# the source of a TCP connection.
DENY_ALL_SOURCE_RANGE = ["0.0.0.0/32", "::/128"]


def websocket_path(odoo_major: int) -> str:
    """The path prefix of Odoo's real-time channel: /websocket from 16.0 (gevent_port),
    /longpolling/ in 15.0 (longpolling_port)."""
    return "/websocket" if odoo_major >= 16 else "/longpolling/"


def object_names(inputs: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Router, service and middleware names: ``<tenant>-odoo<major>-<concern>``.

    The Odoo major is part of every name (as Doodba versions its labels) so an old
    and a new stack of one tenant can coexist on one Traefik during an upgrade.
    """
    i = normalise_inputs(inputs)
    prefix = f"{i['tenant_name']}-odoo{i['traefik_odoo_version']}"
    return {
        "routers": {c: f"{prefix}-{c}" for c in ("main", "websocket", "login", "dbmanager")},
        "services": {c: f"{prefix}-{c}" for c in ("http", "websocket")},
        "middlewares": {
            c: f"{prefix}-{c}"
            for c in (
                "forwarded-https",
                "hsts",
                "compress",
                "upload-limit",
                "login-ratelimit",
                "dbmanager-allowlist",
            )
        },
    }


def _or(matchers: list[str]) -> str:
    return matchers[0] if len(matchers) == 1 else "(" + " || ".join(matchers) + ")"


def routing_model(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Provider-neutral routing: routers (rule, priority, middlewares, service),
    services (upstream port) and middlewares (type -> options)."""
    i = normalise_inputs(inputs)
    n = object_names(i)
    r, s, m = n["routers"], n["services"], n["middlewares"]
    hosts = _or([f"Host(`{d}`)" for d in i["traefik_domains"]])
    login = _or([f"Path(`{p}`)" for p in i["traefik_login_paths"]])
    trusted = list(i["traefik_trusted_proxies"])
    # Behind a trusted load balancer the client is the right-most X-Forwarded-For
    # address that is not one of the balancers, not the balancer itself.
    ip_strategy = {"ipStrategy": {"excludedIPs": trusted}} if trusted else {}

    middlewares: dict[str, dict[str, Any]] = {
        # Traefik sets X-Forwarded-Proto to "wss" on websocket upgrades; Odoo (werkzeug
        # ProxyFix under proxy_mode) builds its URLs and origin checks from it.
        m["forwarded-https"]: {"headers": {"customRequestHeaders": {"X-Forwarded-Proto": "https"}}},
        m["hsts"]: {
            "headers": {
                "stsSeconds": i["traefik_hsts_seconds"],
                "stsIncludeSubdomains": bool(i["traefik_hsts_include_subdomains"]),
                "stsPreload": bool(i["traefik_hsts_preload"]),
                "contentTypeNosniff": True,
            }
        },
        m["compress"]: {"compress": {}},
        m["upload-limit"]: {
            "buffering": {
                "maxRequestBodyBytes": i["traefik_upload_max_bytes"],
                "memRequestBodyBytes": min(
                    i["traefik_upload_mem_bytes"], i["traefik_upload_max_bytes"]
                ),
            }
        },
        m["login-ratelimit"]: {
            "rateLimit": {
                "average": i["traefik_login_rate_average"],
                "period": i["traefik_login_rate_period"],
                "burst": i["traefik_login_rate_burst"],
                **({"sourceCriterion": ip_strategy} if ip_strategy else {}),
            }
        },
        m["dbmanager-allowlist"]: {
            "ipAllowList": {
                "sourceRange": list(i["traefik_admin_cidrs"]) or list(DENY_ALL_SOURCE_RANGE),
                **ip_strategy,
            }
        },
    }
    common = [m["forwarded-https"], m["hsts"]]
    routers = {
        r["main"]: {
            "rule": hosts,
            "priority": PRIORITY["main"],
            "middlewares": [*common, m["compress"], m["upload-limit"]],
            "service": s["http"],
        },
        # No compression (it would hold frames back) and no buffering (the buffering
        # middleware cannot pass an Upgrade through).
        r["websocket"]: {
            "rule": f"{hosts} && PathPrefix(`{websocket_path(i['traefik_odoo_version'])}`)",
            "priority": PRIORITY["websocket"],
            "middlewares": list(common),
            "service": s["websocket"],
        },
        r["login"]: {
            "rule": f"{hosts} && {login}",
            "priority": PRIORITY["login"],
            "middlewares": [m["login-ratelimit"], *common, m["compress"], m["upload-limit"]],
            "service": s["http"],
        },
        # Restores upload whole databases: no upload limit here, only the allow list.
        r["dbmanager"]: {
            "rule": f"{hosts} && PathPrefix(`/web/database`)",
            "priority": PRIORITY["dbmanager"],
            "middlewares": [m["dbmanager-allowlist"], *common],
            "service": s["http"],
        },
    }
    for router in routers.values():
        router["entryPoints"] = [ENTRYPOINT_WEBSECURE]
        router["tls"] = {"certResolver": i["traefik_cert_resolver"]}
    return {
        "routers": routers,
        "services": {
            s["http"]: {"port": i["traefik_odoo_http_port"]},
            s["websocket"]: {"port": i["traefik_odoo_websocket_port"]},
        },
        "middlewares": middlewares,
        "hosts": list(i["traefik_odoo_hosts"]),
    }


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _router_out(router: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("entryPoints", "rule", "priority", "middlewares", "service", "tls")
    return {k: router[k] for k in keys}


def dynamic_config(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The file-provider document: every Odoo address is a server of each service."""
    model = routing_model(inputs)
    services = {
        name: {
            "loadBalancer": {
                "servers": [{"url": _url(h, svc["port"])} for h in model["hosts"]],
                "passHostHeader": True,
            }
        }
        for name, svc in model["services"].items()
    }
    return {
        "http": {
            "routers": {k: _router_out(v) for k, v in model["routers"].items()},
            "services": services,
            "middlewares": model["middlewares"],
        }
    }


def _flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    if isinstance(value, Mapping):
        if not value:
            # A middleware without options (compress) still needs its key to exist.
            out[prefix] = "true"
        for k, v in value.items():
            _flatten(f"{prefix}.{k}", v, out)
    elif isinstance(value, list):
        out[prefix] = ",".join(str(v) for v in value)
    elif isinstance(value, bool):
        out[prefix] = "true" if value else "false"
    else:
        out[prefix] = str(value)


def docker_labels(inputs: Mapping[str, Any], network: str | None = None) -> dict[str, str]:
    """The same routing as Docker labels for the Odoo web container (docker provider).

    One concern per block of keys, camelCase as Traefik documents them, sorted so a
    diff of two versions reads line by line. Services point at the container's own
    ports, so the labels only serve a Traefik on the same Docker host.
    """
    model = routing_model(inputs)
    labels: dict[str, str] = {"traefik.enable": "true"}
    if network:
        labels["traefik.docker.network"] = network
    for name, router in model["routers"].items():
        _flatten(f"traefik.http.routers.{name}", _router_out(router), labels)
    for name, svc in model["services"].items():
        base = f"traefik.http.services.{name}.loadBalancer"
        labels[f"{base}.server.port"] = str(svc["port"])
        labels[f"{base}.passHostHeader"] = "true"
    for name, mw in model["middlewares"].items():
        _flatten(f"traefik.http.middlewares.{name}", mw, labels)
    return dict(sorted(labels.items()))


def static_config(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """traefik.yml: entrypoints, ACME resolver, providers, logs, ping and metrics."""
    i = normalise_inputs(inputs)
    websecure: dict[str, Any] = {
        "address": ":443",
        "transport": {
            "respondingTimeouts": {
                "readTimeout": i["traefik_read_timeout"],
                "writeTimeout": i["traefik_write_timeout"],
                "idleTimeout": i["traefik_idle_timeout"],
            }
        },
        "http": {"tls": {"certResolver": i["traefik_cert_resolver"]}},
    }
    web: dict[str, Any] = {
        "address": ":80",
        "http": {
            "redirections": {
                "entryPoint": {"to": ENTRYPOINT_WEBSECURE, "scheme": "https", "permanent": True}
            }
        },
    }
    if i["traefik_trusted_proxies"]:
        for ep in (web, websecure):
            ep["forwardedHeaders"] = {"trustedIPs": list(i["traefik_trusted_proxies"])}
    acme: dict[str, Any] = {
        "caServer": i["traefik_acme_ca_server"],
        "storage": CONTAINER_ACME_STORAGE,
    }
    if i["traefik_acme_email"]:
        acme["email"] = i["traefik_acme_email"]
    if i["traefik_acme_challenge"] == "tls":
        acme["tlsChallenge"] = {}
    else:
        acme["httpChallenge"] = {"entryPoint": ENTRYPOINT_WEB}
    docker: dict[str, Any] = {"exposedByDefault": False, "watch": True}
    if i.get("traefik_docker_network"):
        docker["network"] = i["traefik_docker_network"]
    return {
        "global": {"checkNewVersion": False, "sendAnonymousUsage": False},
        "log": {"level": i["traefik_log_level"], "format": "json"},
        "accessLog": {
            "format": "json",
            # Request headers carry session cookies and credentials: keep only these.
            "fields": {
                "headers": {
                    "defaultMode": "drop",
                    "names": {"User-Agent": "keep", "X-Forwarded-For": "keep"},
                }
            },
        },
        "entryPoints": {
            ENTRYPOINT_WEB: web,
            ENTRYPOINT_WEBSECURE: websecure,
            ENTRYPOINT_METRICS: {"address": f":{i['traefik_metrics_port']}"},
        },
        "ping": {"entryPoint": ENTRYPOINT_METRICS},
        "metrics": {
            "prometheus": {
                "entryPoint": ENTRYPOINT_METRICS,
                "addEntryPointsLabels": True,
                "addRoutersLabels": True,
                "addServicesLabels": True,
            }
        },
        "providers": {
            "docker": docker,
            "file": {"directory": CONTAINER_DYNAMIC_DIR, "watch": True},
        },
        "certificatesResolvers": {i["traefik_cert_resolver"]: {"acme": acme}},
    }
