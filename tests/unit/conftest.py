"""Make the sizing core and tenantctl importable from a plain checkout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
for path in (ROOT / "plugins" / "module_utils", ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def flatten(plan: dict[str, Any]) -> dict[str, Any]:
    """{dotted.path: value} for every planned value ({"value", "reason"} leaves)."""
    out: dict[str, Any] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict) and set(node) == {"value", "reason"}:
            out[prefix] = node["value"]
        elif isinstance(node, dict):
            for key, child in node.items():
                if prefix in ("", "inputs") and key in ("inputs", "notes", "resize"):
                    continue
                walk(f"{prefix}.{key}" if prefix else key, child)

    walk("", plan)
    return out
