#!/usr/bin/env bash
# The test command: installs what is needed, starts a Neo4j of its own for the tests,
# runs pytest, and stops the server it started. Exits non-zero on any failure, including
# pytest's exit 5 ("no tests ran").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export AIM_HOME="$PWD/.aim/test"

started=0
if ! .venv/bin/aim db status >/dev/null 2>&1; then
  .venv/bin/aim db start
  started=1
fi
stop_server() { if [ "$started" = 1 ]; then .venv/bin/aim db stop || true; fi; }
trap stop_server EXIT

# Import contracts (pyproject.toml [tool.importlinter]): the layers depend one way.
.venv/bin/python scripts/lint_imports.py

set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: treating that as a failure." >&2
  status=1
fi
exit "$status"
