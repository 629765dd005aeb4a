"""Validation of the role's inventory values; every problem names its variable.

Argument specs check types and choices; they cannot say whether a string is a host
name or a CIDR. These checks can, and run in the role's preflight before any file
is written.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from .errors import TraefikConfigError

SUPPORTED_ODOO_VERSIONS = (15, 16, 17, 18, 19)

# RFC 1123 labels: letters, digits and inner hyphens, 1..63 characters.
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# Go's time.ParseDuration, which Traefik uses for every timeout: 90s, 1h30m, 0.
_DURATION = re.compile(r"^(?:0|(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_TENANT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def is_host_name(value: Any, *, fqdn: bool = True) -> bool:
    """True for an RFC 1123 host name (lower case); fqdn also wants a dot and a
    non-numeric top-level label, as ACME and public DNS need."""
    if not isinstance(value, str) or not value or len(value) > 253:
        return False
    labels = value.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return False
    if fqdn:
        return len(labels) >= 2 and not labels[-1].isdigit()
    return True


def is_cidr(value: Any) -> bool:
    """True for a network in CIDR notation with no host bits set (10.0.0.0/8, fd00::/8)."""
    if not isinstance(value, str) or "/" not in value:
        return False
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        return False
    return True


def duration_seconds(value: str) -> float:
    """Seconds in a Go duration string (``"1h30m"`` -> 5400.0)."""
    if value == "0":
        return 0.0
    return sum(float(n) * _SECONDS[unit] for n, unit in _DURATION_PART.findall(value))


def odoo_major(value: Any) -> int | None:
    """15 from 15, "15" or "15.0"; None when it is not a version number."""
    text = str(value).strip()
    match = re.fullmatch(r"(\d+)(?:\.0)?", text)
    return int(match.group(1)) if match else None


def _cidr_problems(var: str, values: Any) -> list[str]:
    if not isinstance(values, list):
        return [f"{var}: must be a list of CIDRs, got {values!r}"]
    out = []
    for v in values:
        if is_cidr(v):
            continue
        hint = ""
        if isinstance(v, str) and "/" in v:
            try:
                hint = f" (host bits set; did you mean {ipaddress.ip_network(v, strict=False)}?)"
            except ValueError:
                hint = ""
        elif isinstance(v, str):
            hint = " (write a single address as x.x.x.x/32 or x::x/128)"
        out.append(f"{var}: {v!r} is not a CIDR{hint}")
    return out


def _int_problems(var: str, value: Any, lo: int, hi: int | None = None) -> list[str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [f"{var}: must be an integer, got {value!r}"]
    if value < lo or (hi is not None and value > hi):
        bound = f"{lo}..{hi}" if hi is not None else f">= {lo}"
        return [f"{var}: must be {bound}, got {value}"]
    return []


def _duration_problems(var: str, value: Any) -> list[str]:
    if not isinstance(value, str) or not _DURATION.match(value):
        return [f"{var}: {value!r} is not a duration such as 90s, 15m or 1h"]
    return []


REQUIRED_INPUTS = (
    "tenant_name",
    "traefik_domains",
    "traefik_odoo_version",
    "traefik_odoo_hosts",
    "traefik_odoo_http_port",
    "traefik_odoo_websocket_port",
    "traefik_login_paths",
    "traefik_login_rate_average",
    "traefik_login_rate_period",
    "traefik_login_rate_burst",
    "traefik_upload_max_bytes",
    "traefik_upload_mem_bytes",
    "traefik_hsts_seconds",
    "traefik_hsts_include_subdomains",
    "traefik_hsts_preload",
    "traefik_read_timeout",
    "traefik_write_timeout",
    "traefik_idle_timeout",
    "traefik_acme_ca_server",
    "traefik_acme_challenge",
    "traefik_cert_resolver",
    "traefik_log_level",
    "traefik_metrics_port",
)
ACME_CHALLENGES = ("http", "tls")
LOG_LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "PANIC")


def _domain_problems(domains: Any) -> list[str]:
    if not isinstance(domains, list) or not domains:
        return [f"traefik_domains: must be a non-empty list of host names, got {domains!r}"]
    p = [
        f"traefik_domains: {d!r} is not a valid host name (lower-case RFC 1123 "
        "labels, at least one dot; no wildcard, scheme, port or path)"
        for d in domains
        if not is_host_name(d)
    ]
    if len(set(domains)) != len(domains):
        p.append(f"traefik_domains: lists a domain twice: {domains!r}")
    return p


def value_problems(values: Mapping[str, Any]) -> list[str]:
    """Host names and CIDRs among the given variables (only those given).

    The preflight play runs this on the inventory's own values, before any host is
    contacted, where the role's defaults (and so the full inputs) are not loaded.
    """
    p: list[str] = []
    if "traefik_domains" in values:
        p += _domain_problems(values["traefik_domains"])
    for var in ("traefik_admin_cidrs", "traefik_trusted_proxies"):
        if var in values:
            p += _cidr_problems(var, values[var])
    return p


def input_problems(inputs: Mapping[str, Any]) -> list[str]:
    """Every problem in the role's inputs, each naming its variable; empty when valid."""
    p: list[str] = []
    get = inputs.get
    missing = [k for k in REQUIRED_INPUTS if k not in inputs]
    if missing:
        return [f"{k}: missing from the inputs" for k in missing]

    tenant = get("tenant_name")
    if not isinstance(tenant, str) or not _TENANT.match(tenant):
        p.append(
            f"tenant_name: {tenant!r} must be 1..40 lower-case letters, digits, '-' or '_' "
            "(it names the compose project, containers and routers)"
        )

    p += value_problems(
        {
            "traefik_domains": get("traefik_domains"),
            "traefik_admin_cidrs": get("traefik_admin_cidrs", []),
            "traefik_trusted_proxies": get("traefik_trusted_proxies", []),
        }
    )

    major = odoo_major(get("traefik_odoo_version"))
    if major not in SUPPORTED_ODOO_VERSIONS:
        p.append(
            f"traefik_odoo_version: {get('traefik_odoo_version')!r} is not supported; "
            f"use one of {', '.join(str(v) for v in SUPPORTED_ODOO_VERSIONS)}"
        )

    hosts = get("traefik_odoo_hosts")
    if not isinstance(hosts, list) or not hosts:
        p.append(
            "traefik_odoo_hosts: must list at least one Odoo web address (the odoo_app "
            f"hosts' private addresses by default), got {hosts!r}"
        )
    else:
        for h in hosts:
            try:
                ipaddress.ip_address(str(h))
            except ValueError:
                if not is_host_name(h, fqdn=False):
                    p.append(f"traefik_odoo_hosts: {h!r} is neither an IP address nor a host name")

    http_port = get("traefik_odoo_http_port")
    ws_port = get("traefik_odoo_websocket_port")
    p += _int_problems("traefik_odoo_http_port", http_port, 1, 65535)
    p += _int_problems("traefik_odoo_websocket_port", ws_port, 1, 65535)
    if http_port == ws_port:
        p.append(
            "traefik_odoo_websocket_port: must differ from traefik_odoo_http_port "
            f"({http_port}); Odoo serves websockets from its gevent process"
        )

    p += _int_problems("traefik_login_rate_average", get("traefik_login_rate_average"), 1)
    p += _int_problems("traefik_login_rate_burst", get("traefik_login_rate_burst"), 1)
    p += _duration_problems("traefik_login_rate_period", get("traefik_login_rate_period"))
    paths = get("traefik_login_paths")
    if not isinstance(paths, list) or not paths:
        p.append(f"traefik_login_paths: must be a non-empty list of paths, got {paths!r}")
    else:
        p += [
            f"traefik_login_paths: {x!r} must start with '/' and hold no backtick"
            for x in paths
            if not isinstance(x, str) or not x.startswith("/") or "`" in x
        ]

    p += _int_problems("traefik_upload_max_bytes", get("traefik_upload_max_bytes"), 1)
    p += _int_problems("traefik_upload_mem_bytes", get("traefik_upload_mem_bytes"), 1)
    p += _int_problems("traefik_hsts_seconds", get("traefik_hsts_seconds"), 1)

    for var in ("traefik_read_timeout", "traefik_write_timeout", "traefik_idle_timeout"):
        p += _duration_problems(var, get(var))
    read = get("traefik_read_timeout")
    if isinstance(read, str) and _DURATION.match(read) and 0 < duration_seconds(read) < 300:
        p.append(
            f"traefik_read_timeout: {read} is too short for uploads and database restores "
            "(Traefik reads the whole request body within it); use at least 300s, or 0 for none"
        )

    email = get("traefik_acme_email", "")
    if email and (not isinstance(email, str) or not _EMAIL.match(email)):
        p.append(f"traefik_acme_email: {email!r} is not an e-mail address")
    ca = get("traefik_acme_ca_server")
    if not isinstance(ca, str) or not ca.startswith("https://"):
        p.append(f"traefik_acme_ca_server: {ca!r} must be an https:// URL")
    resolver = get("traefik_cert_resolver")
    if not isinstance(resolver, str) or not _NAME.match(resolver):
        p.append(
            f"traefik_cert_resolver: {resolver!r} must be a simple name (letters, digits, -, _)"
        )

    if get("traefik_acme_challenge") not in ACME_CHALLENGES:
        p.append(
            f"traefik_acme_challenge: {get('traefik_acme_challenge')!r} must be one of "
            f"{', '.join(ACME_CHALLENGES)}"
        )
    if get("traefik_log_level") not in LOG_LEVELS:
        p.append(
            f"traefik_log_level: {get('traefik_log_level')!r} must be one of "
            f"{', '.join(LOG_LEVELS)}"
        )
    for var in ("traefik_hsts_include_subdomains", "traefik_hsts_preload"):
        if not isinstance(get(var), bool):
            p.append(f"{var}: must be true or false, got {get(var)!r}")

    metrics_port = get("traefik_metrics_port")
    p += _int_problems("traefik_metrics_port", metrics_port, 1, 65535)
    if metrics_port in (80, 443):
        p.append("traefik_metrics_port: must not be 80 or 443 (those are the public entrypoints)")
    return p


def normalise_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs with the Odoo version as an int; raises TraefikConfigError listing
    every problem when any input is invalid."""
    problems = input_problems(inputs)
    if problems:
        raise TraefikConfigError("; ".join(problems))
    out = dict(inputs)
    out["traefik_odoo_version"] = odoo_major(inputs["traefik_odoo_version"])
    out.setdefault("traefik_admin_cidrs", [])
    out.setdefault("traefik_trusted_proxies", [])
    out.setdefault("traefik_acme_email", "")
    return out
