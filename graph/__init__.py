"""Everything that talks to Neo4j, by domain (see docs/architecture.md and DEVELOPERS.md):
``store`` (driver, local server, schema, backup) ← ``ingest`` ← ``identity`` ← ``alerts``
← ``views``; ``access`` (users, roles, audit) depends on ``store`` only."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def public_surface(package: str, names: dict[str, str]) -> tuple[list[str], Callable[[str], object]]:
    """``__all__`` and a module ``__getattr__`` (PEP 562) for a subpackage whose public
    names (name → submodule) are imported on first use, so that importing the package
    for its ``cli`` does not load the driver (``aim --help`` stays quick)."""

    def __getattr__(name: str) -> object:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(f"{package}.{names[name]}"), name)

    return sorted(names), __getattr__
