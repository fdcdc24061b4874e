"""Debian's Chromium for the browser tests: where it is (``AIM_CHROMIUM``) and how it is
started (headless, no sandbox, nothing fetched in the background). No browser is ever
downloaded."""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("AIM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
