"""Fault injection for the storage tests: a database file made immutable (``chattr +i``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def can_make_immutable(tmp_path: Path) -> bool:
    probe = tmp_path / "chattr-probe"
    probe.touch()
    made = subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
    if made:
        subprocess.run(["chattr", "-i", str(probe)], check=True)
    return made and shutil.which("chattr") is not None


def immutable(path: Path, on: bool = True) -> None:
    """``chattr +i`` (or ``-i``) on the database and its -wal and -shm files."""
    files = [str(p) for p in path.parent.glob(f"{path.name}*")]
    subprocess.run(["chattr", "+i" if on else "-i", *files], check=True)
