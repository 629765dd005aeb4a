"""Unit helpers: parsing sizes and printing them the way postgresql.conf expects."""

from __future__ import annotations

import math
import re

from .errors import SizingError

KB_PER_MB = 1024
KB_PER_GB = 1024 * 1024
MIB = 1024 * 1024

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_SIZE_FACTORS_MB = {"k": 1 / 1024, "": 1, "m": 1, "g": 1024, "t": 1024 * 1024}


def format_pg_kb(kb: int) -> str:
    """Format a size in kB as postgresql.conf text, e.g. 1048576 -> "1GB".

    Source: PGTune's formatValue (le0pard/pgtune, configurationView/index.jsx):
    use the largest unit (GB, MB, kB) that represents the value without loss.
    PostgreSQL's memory units are powers of 1024 and the kB spelling is case
    sensitive (PostgreSQL docs, "Parameter Names and Values").
    """
    kb = int(kb)
    if kb % KB_PER_GB == 0 and kb != 0:
        return f"{kb // KB_PER_GB}GB"
    if kb % KB_PER_MB == 0 and kb != 0:
        return f"{kb // KB_PER_MB}MB"
    return f"{kb}kB"


def format_pg_mb(mb: int) -> str:
    """Format a whole number of MB as postgresql.conf text ("512MB", "2GB")."""
    return format_pg_kb(int(mb) * KB_PER_MB)


def pg_size_to_kb(text: str) -> int:
    """Parse a postgresql.conf memory value ("16MB", "5242kB", "1GB") into kB."""
    match = re.fullmatch(r"(-?\d+)(kB|MB|GB|TB)?", text.strip())
    if not match:
        raise ValueError(f"not a PostgreSQL size: {text!r}")
    factor = {"kB": 1, "MB": KB_PER_MB, "GB": KB_PER_GB, "TB": KB_PER_GB * 1024, None: 1}
    return int(match.group(1)) * factor[match.group(2)]


def parse_size_mb(value: object, name: str) -> int:
    """Parse a memory size into whole MiB.

    Accepts a bare number (MiB) or text with a unit: "4096", "4G", "4GiB",
    "512M", "1.5g". Raises SizingError naming the input on anything else.
    """
    if isinstance(value, bool):
        raise SizingError(f"{name}={value!r} is not a size; use MiB or a unit like 16G")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise SizingError(f"{name}={value!r} is not a size; use MiB or a unit like 16G")
        return int(value)
    match = _SIZE_RE.match(str(value))
    if not match:
        raise SizingError(f"{name}={value!r} is not a size; use MiB or a unit like 16G")
    number = float(match.group(1)) * _SIZE_FACTORS_MB[match.group(2).lower()]
    return int(number)


def floor_to(value: float, step: float) -> float:
    """Round down to a multiple of step (used for CPU limits, step 0.01)."""
    return math.floor(round(value / step, 6)) * step


def cpus(value: float) -> float:
    """CPU amounts are printed and applied with two decimals (docker --cpus)."""
    return round(floor_to(value, 0.01), 2)
