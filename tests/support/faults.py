"""Fault injection: a database file made immutable (``chattr +i``), a frozen action server."""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

from tools.servers import Servers


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


def pause_actions(servers: Servers) -> None:
    """Freezes the action server (SIGSTOP): it accepts connections and never answers."""
    if servers.actions is not None:
        servers.actions.send_signal(signal.SIGSTOP)


def resume_actions(servers: Servers) -> None:
    """Lets a frozen action server go on (SIGCONT)."""
    if servers.actions is not None:
        servers.actions.send_signal(signal.SIGCONT)
