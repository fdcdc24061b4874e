"""Check the import contracts of pyproject.toml ([tool.importlinter]) with import-linter.

The top-level folders (graph/, resolution/, api/ ...) install as subpackages of `aim` through
setuptools' package-dir mapping, which import-linter cannot walk in an editable install. So the
Python files are copied, in their installed layout, into a temporary tree that is checked instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def installed_layout(tree: Path) -> None:
    package_dirs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    for package, folder in package_dirs.items():
        target = tree.joinpath(*package.split("."))
        shutil.copytree(REPO / folder, target, dirs_exist_ok=True,
                        ignore=lambda _dir, names: [n for n in names if n == "__pycache__"
                                                    or ("." in n and not n.endswith(".py"))])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="aim-imports-") as tmp:
        installed_layout(Path(tmp))
        env = dict(os.environ, PYTHONPATH=tmp)
        lint = Path(sys.executable).with_name("lint-imports")
        return subprocess.call([str(lint), "--config", str(REPO / "pyproject.toml")], env=env, cwd=tmp)


if __name__ == "__main__":
    sys.exit(main())
