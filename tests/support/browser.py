"""Headless Chromium for the browser tests, and where they leave their screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.pinned import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))

# Headless on a machine without a screen and without outside network (see the env notes).
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

SHOTS = ROOT / "results" / "browser"
"""Where the browser tests leave their screenshots (a CI artefact)."""
