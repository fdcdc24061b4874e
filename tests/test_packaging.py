"""Every module and query file must be in the installed distribution, not only in the
checkout: the Docker image and any non-editable install depend on pyproject's lists."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _installed_name(folder: Path, package_dir: dict[str, str]) -> str | None:
    for package, directory in package_dir.items():
        top = ROOT / directory
        if folder == top or top in folder.parents:
            return ".".join([package, *folder.relative_to(top).parts])
    return None


def test_every_package_and_query_folder_is_listed():
    # Query folders hold no Python; listing them as packages ships their .cypher files.
    config = _config()
    package_dir = config["package-dir"]
    listed = set(config["packages"])
    folders = {
        path.parent
        for directory in set(package_dir.values())
        for pattern in ("**/__init__.py", "**/*.cypher")
        for path in (ROOT / directory).glob(pattern)
    }
    expected = {name for folder in folders if (name := _installed_name(folder, package_dir))}
    assert expected - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
