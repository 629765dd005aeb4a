"""Validation and normalisation of the plan inputs.

Every check raises SizingError with a one-line message naming the input, the bad
value and what would work, so playbooks and the CLI can show it unchanged.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import SizingError
from .units import parse_size_mb

LAYOUTS = ("all-in-one", "app", "db")
LAYOUT_ALIASES = {"aio": "all-in-one", "allinone": "all-in-one", "all_in_one": "all-in-one"}
ODOO_VERSIONS = ("15.0", "16.0", "17.0", "18.0", "19.0")
PG_VERSIONS = (13, 14, 15, 16, 17, 18)
STORAGE_CLASSES = ("nvme", "ssd", "san", "hdd")
PG_PROFILES = ("odoo", "web", "oltp", "dw", "desktop", "mixed")
RESIZE_PROFILES = ("baseline", "peak")
HUGEPAGES_MODES = ("auto", "reserve", "off")

# The smallest data volume we plan WAL limits for (ours): below this the WAL
# budget (a fifth of the volume) cannot hold a useful max_wal_size.
MIN_DATA_VOLUME_GB = 10

DEFAULTS: dict[str, Any] = {
    "layout": "all-in-one",
    "odoo_version": "17.0",
    "pg_version": 17,
    "storage": "ssd",
    "data_volume_gb": 100,
    "users": None,
    "profile": "odoo",
    "resize": "baseline",
    "replicas": 1,
    "hugepages": "auto",
    "pg_connections": None,
    "app_cpus": None,
    "app_memory_mb": None,
    "app_hosts": 1,
}

KNOWN_KEYS = frozenset(DEFAULTS) | {"cpus", "memory_mb"}


def _choice(name: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    if value not in allowed:
        listed = ", ".join(str(a) for a in allowed)
        raise SizingError(f"{name}={value!r} is not supported; use one of: {listed}")
    return value


def _number(name: str, value: Any, minimum: float, *, integer: bool = False) -> Any:
    if isinstance(value, bool) or value is None:
        raise SizingError(f"{name}={value!r} is not a number; minimum {minimum:g}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SizingError(f"{name}={value!r} is not a number; minimum {minimum:g}") from None
    if not math.isfinite(number):
        raise SizingError(f"{name}={value!r} is not a number; minimum {minimum:g}")
    if integer and number != int(number):
        raise SizingError(f"{name}={value!r} must be a whole number; minimum {minimum:g}")
    if number < minimum:
        raise SizingError(f"{name}={value!r} is too small; minimum {minimum:g}")
    return int(number) if integer else number


def odoo_version(value: Any) -> str:
    """Normalise 17 / "17" / "17.0" / 17.0 to "17.0"."""
    text = str(value).strip()
    if text.isdigit():
        text = f"{text}.0"
    return _choice("odoo_version", text, ODOO_VERSIONS)


def pg_version(value: Any) -> int:
    """Normalise "17" / 17 / "17.2" to the major 17."""
    text = str(value).strip()
    try:
        major = int(float(text)) if text.replace(".", "", 1).isdigit() else None
    except ValueError:
        major = None
    if major is None or str(major) != text.split(".")[0]:
        raise SizingError(
            f"pg_version={value!r} is not supported; use one of: "
            + ", ".join(str(v) for v in PG_VERSIONS)
        )
    return _choice("pg_version", major, PG_VERSIONS)


def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """Return a complete, validated copy of the plan inputs.

    Required: cpus (> 0, may be fractional, e.g. a cgroup quota of 1.5) and
    memory_mb (MiB, or a string with a unit such as "16G"). Everything else has a
    default (DEFAULTS). Unknown keys are an error, so a typo is never silently
    ignored.
    """
    if not isinstance(raw, dict):
        raise SizingError(f"inputs={raw!r} must be a mapping with at least cpus and memory_mb")
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if unknown:
        raise SizingError(
            f"unknown input {unknown[0]!r}; known inputs: " + ", ".join(sorted(KNOWN_KEYS))
        )
    for required in ("cpus", "memory_mb"):
        if raw.get(required) is None:
            raise SizingError(f"{required} is required")
    data = {**DEFAULTS, **{k: v for k, v in raw.items() if v is not None}}
    out: dict[str, Any] = {}
    cpus = _number("cpus", data["cpus"], 0.0)
    if cpus <= 0:
        raise SizingError(f"cpus={data['cpus']!r} must be greater than 0; minimum 0.5")
    out["cpus"] = round(cpus, 2)
    out["memory_mb"] = int(_number("memory_mb", parse_size_mb(data["memory_mb"], "memory_mb"), 1))
    layout = str(data["layout"]).strip().lower()
    out["layout"] = _choice("layout", LAYOUT_ALIASES.get(layout, layout), LAYOUTS)
    out["odoo_version"] = odoo_version(data["odoo_version"])
    out["pg_version"] = pg_version(data["pg_version"])
    out["storage"] = _choice("storage", str(data["storage"]).strip().lower(), STORAGE_CLASSES)
    out["data_volume_gb"] = _number(
        "data_volume_gb", data["data_volume_gb"], MIN_DATA_VOLUME_GB, integer=False
    )
    out["data_volume_gb"] = int(out["data_volume_gb"])
    out["users"] = (
        None if data["users"] is None else _number("users", data["users"], 1, integer=True)
    )
    out["profile"] = _choice("profile", str(data["profile"]).strip().lower(), PG_PROFILES)
    out["resize"] = _choice("resize", str(data["resize"]).strip().lower(), RESIZE_PROFILES)
    out["replicas"] = _number("replicas", data["replicas"], 0, integer=True)
    if out["replicas"] > 10:
        raise SizingError(f"replicas={data['replicas']!r} is too large; maximum 10")
    out["hugepages"] = _choice("hugepages", str(data["hugepages"]).strip().lower(), HUGEPAGES_MODES)
    out["pg_connections"] = (
        None
        if data["pg_connections"] is None
        else _number("pg_connections", data["pg_connections"], 1, integer=True)
    )
    out["app_hosts"] = _number("app_hosts", data["app_hosts"], 1, integer=True)
    out["app_cpus"] = (
        out["cpus"]
        if data["app_cpus"] is None
        else round(_number("app_cpus", data["app_cpus"], 0.5), 2)
    )
    out["app_memory_mb"] = (
        out["memory_mb"]
        if data["app_memory_mb"] is None
        else int(_number("app_memory_mb", parse_size_mb(data["app_memory_mb"], "app_memory_mb"), 1))
    )
    if out["profile"] == "desktop" and out["replicas"] > 0 and out["layout"] != "app":
        raise SizingError(
            f"replicas={out['replicas']} cannot be fed by profile='desktop'"
            " (wal_level=minimal); use replicas=0 or another profile"
        )
    return out
