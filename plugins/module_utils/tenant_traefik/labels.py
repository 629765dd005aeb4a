"""Docker labels -> the dynamic configuration tree Traefik builds from them.

Traefik's label parser (paerser) matches each dotted segment to a field name
case-insensitively, splits list values on commas and converts numbers and booleans.
The JSON schemas are case-sensitive and know nothing of labels, so this mapping is
what lets labels be validated by the file-provider schema: canonical camelCase keys,
typed values, and the docker-only ``loadBalancer.server.port`` turned into the
``servers: [{url}]`` form the provider derives from the container's address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .names import BY_LOWER, INT_KEYS, LIST_KEYS, MAP_KEYS

_INDEXED = re.compile(r"^(?P<key>[^\[\]]+)\[(?P<index>\d+)\]$")
_SECTIONS = ("routers", "services", "middlewares")


def _canonical(segment: str, parent: str | None, grandparent: str | None) -> str | None:
    if parent in MAP_KEYS or (parent == "headers" and grandparent == "healthCheck"):
        return segment  # a header name: Traefik keeps it as written
    return BY_LOWER.get(segment.lower())


def _typed(key: str, raw: str, where: str, problems: list[str]) -> Any:
    if key in LIST_KEYS:
        return [part.strip() for part in raw.split(",") if part.strip()]
    if key in INT_KEYS:
        try:
            return int(raw)
        except ValueError:
            problems.append(f"{where}: {raw!r} is not an integer")
            return raw
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


def _set(tree: dict[str, Any], path: list[str], value: Any) -> None:
    node: Any = tree
    for seg in path[:-1]:
        m = _INDEXED.match(seg)
        if m:
            lst = node.setdefault(m["key"], [])
            idx = int(m["index"])
            while len(lst) <= idx:
                lst.append({})
            node = lst[idx]
        else:
            node = node.setdefault(seg, {})
    node[path[-1]] = value


def labels_to_dynamic(
    labels: Mapping[str, str], *, server_host: str = "container"
) -> tuple[dict[str, Any], list[str]]:
    """The dynamic configuration described by ``traefik.http.*`` labels, and the
    problems found (unknown keys, bad values, labels Traefik would not read).

    ``server_host`` stands for the container address the docker provider fills in.
    ``traefik.enable`` must be true (the static config sets exposedByDefault=false).
    """
    problems: list[str] = []
    http: dict[str, Any] = {}
    enabled = False
    for label, raw in labels.items():
        parts = label.split(".")
        if [p.lower() for p in parts[:1]] != ["traefik"]:
            continue
        low = [p.lower() for p in parts]
        if low == ["traefik", "enable"]:
            enabled = str(raw).lower() == "true"
            continue
        if low == ["traefik", "docker", "network"]:
            continue
        if len(parts) < 5 or low[1] != "http" or low[2] not in _SECTIONS:
            problems.append(f"{label}: not a traefik.http.<routers|services|middlewares> label")
            continue
        section, name, rest = low[2], parts[3], parts[4:]
        path: list[str] = []
        canon_path: list[str] = []
        for seg in rest:
            m = _INDEXED.match(seg)
            base, suffix = (m["key"], f"[{m['index']}]") if m else (seg, "")
            parent = canon_path[-1] if canon_path else None
            grand = canon_path[-2] if len(canon_path) > 1 else None
            canon = _canonical(base, parent, grand)
            if canon is None:
                problems.append(f"{label}: unknown key {seg!r} (Traefik refuses the container)")
                break
            canon_path.append(canon)
            path.append(canon + suffix)
        else:
            leaf = canon_path[-1]
            where = f"{label}"
            value = _typed(leaf, str(raw), where, problems)
            if section == "middlewares" and len(path) == 1 and value is True:
                value = {}  # `<name>.compress=true` declares a middleware without options
            _set(http.setdefault(section, {}).setdefault(name, {}), path, value)
    if not enabled:
        problems.append(
            "traefik.enable: must be 'true' (the docker provider has exposedByDefault=false)"
        )
    # The docker provider turns server.port/scheme into one server at the container.
    for name, svc in http.get("services", {}).items():
        lb = svc.get("loadBalancer")
        if isinstance(lb, dict) and "server" in lb:
            server = lb.pop("server")
            port = server.get("port")
            if port is None:
                problems.append(f"traefik.http.services.{name}.loadBalancer.server: needs a port")
                continue
            scheme = server.get("scheme", "http")
            lb["servers"] = [{"url": f"{scheme}://{server_host}:{port}"}]
    return {"http": http} if http else {}, problems
