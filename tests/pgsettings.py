"""Compare a planned postgresql.conf value with what PostgreSQL reports in pg_settings.

Shared by the sizing integration test and the Molecule verify of the postgresql role,
so "the server runs the plan" means the same thing everywhere.
"""

from __future__ import annotations

from tenant_sizing.units import pg_size_to_kb

TIME_MS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}
SIZE_KB = {"8kB": 8, "kB": 1, "MB": 1024, "16MB": 16384}


def expected_setting(value: str, unit: str | None, vartype: str) -> object:
    """The plan's conf text converted to pg_settings.setting units."""
    if vartype == "bool":
        return {"on": "on", "off": "off", "true": "on", "false": "off"}[value.lower()]
    if unit in TIME_MS:
        number = float(value.rstrip("abcdefghijklmnopqrstuvwxyz"))
        suffix = value.lstrip("0123456789.") or unit
        return number * TIME_MS[suffix] / TIME_MS[unit]
    if unit in SIZE_KB:
        return pg_size_to_kb(value) / SIZE_KB[unit]
    if vartype in ("integer", "real"):
        return float(value)
    return value


def mismatch(name: str, value: str, setting: str, unit: str | None, vartype: str) -> str | None:
    """None when the server's setting is the planned value, else a readable difference."""
    expected = expected_setting(value, unit, vartype)
    got: object = float(setting) if vartype in ("integer", "real") else setting
    if isinstance(expected, float) and unit in SIZE_KB:
        # PGTune prints kB amounts that are not whole 8kB pages (wal_buffers); PostgreSQL
        # rounds those to its unit, so allow less than one unit.
        ok = abs(float(setting) - expected) < 1
    else:
        ok = got == expected
    return None if ok else f"{name}: plan {value!r} -> pg_settings {setting} {unit or ''}"
