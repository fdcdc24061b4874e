"""Neo4j values as JSON-friendly Python, for the answers whose graph functions hand back
driver types (temporal values inside nested properties)."""

from __future__ import annotations


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
