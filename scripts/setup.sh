#!/usr/bin/env bash
# Installs what AIM needs on a fresh machine: system tools (Java 17+, Maven, Chromium), a virtualenv
# with the project and its dev dependencies. Idempotent: re-running only redoes what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
# Debian's Chromium drives the dashboard's end-to-end tests (Playwright never downloads a browser here).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if ((${#need_apt[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing ${need_apt[*]} from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "AIM needs ${need_apt[*]}: install them (sudo apt-get install ${need_apt[*]}) and re-run." >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
  echo "AIM needs Python 3.11 or newer; $("$PYTHON" --version) found. Set PYTHON=/path/to/python3.11." >&2
  exit 1
}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
# spark: the Spark backend and its tests (pyspark, about 400 MB, fetched once).
extras=${AIM_EXTRAS:-dev,spark}
stamp=.venv/.aim-installed-$(sha1sum pyproject.toml | cut -c1-12)-${extras//,/-}
# Networks drop connections mid-download: pip retries and resumes (older pips ignore the
# settings they do not know), and a failed install is run again after a pause; what pip
# already fetched stays in its cache.
export PIP_RETRIES=${PIP_RETRIES:-10} PIP_TIMEOUT=${PIP_TIMEOUT:-60} PIP_RESUME_RETRIES=${PIP_RESUME_RETRIES:-20}
with_retries() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    echo "  attempt $attempt failed (network?); trying again in $((attempt * 20)) s..." >&2
    sleep $((attempt * 20))
  done
  "$@"
}
install_aim() {
  # not -q: a first install fetches about a hundred packages, and silence reads as a hang
  .venv/bin/python -m pip install -e ".[${extras}]" | { grep --line-buffered -E '^(Collecting|Successfully)' || true; }
}
if [ ! -f "$stamp" ]; then
  echo "Installing AIM and its dependencies into .venv (each package pip fetches is listed)..."
  started=$SECONDS
  with_retries .venv/bin/python -m pip install -q --upgrade pip
  with_retries install_aim
  rm -f .venv/.aim-installed-*
  touch "$stamp"
  echo "  install: $((SECONDS - started)) s"
fi
