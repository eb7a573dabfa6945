"""The speed figures on a machine as slow as the one the targets were set on, emulated.

    make bench-reference            # as root, on Linux with the cgroup `cpu` controller
    python -m benchmarks.reference --seconds 30

The issues set the speed targets beside Rasa's starter bot on the machine they were written
on: 23 messages/s with 8 patients. The project's machine is a shared virtual machine whose
speed changes from day to day (the starter bot has run at 23 to 60 messages/s on it), so a
figure measured on a fast day says little about the reference machine. This emulates a
slower one: each of its two cores gets a fraction ``f`` of this machine's CPU time, through a
CPU quota of the Linux control groups:

* the Rasa server in one group (it answers from one thread: one core);
* everything else the benchmark starts (the simulated patients, the action server) in the
  other, as on the reference machine they share its second core.

``f`` is found from the starter bot itself: it runs at ``--start`` (0.5), then ``f`` is scaled
so that it would make 23 messages/s, and the starter bot runs again at that ``f`` (printed,
to check) before the aftercare bot runs there (``benchmarks/bench.py``, one server).

What it does not reproduce: a quota lets a process run at full speed for 1 ms of each period
(about 2 ms at ``f`` = 0.5) and then pauses it, where a slower machine would run it slowly
throughout. The pauses add to the tail of the latency, so the p95 here is, if anything, worse
than on a machine that is slower throughout (the starter bot's p95 comes out above the 516
ms the issues give for it). It also does not reproduce a machine whose memory or caches are
slower rather than its cores.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools.servers import PYTHON, ROOT

REFERENCE_STARTER_RATE = 23.0
"""The starter bot's messages/s on the machine the issues' targets were set on."""

QUOTA_US = 1000
"""CPU time a group may use in each period; 1 ms is the smallest quota Linux accepts."""

CGROUP_V1 = Path("/sys/fs/cgroup/cpu")
CGROUP_V2 = Path("/sys/fs/cgroup")


class CpuGroup:
    """A control group whose processes share ``fraction`` of one core's time."""

    def __init__(self, path: Path, v2: bool) -> None:
        """The group at ``path``, of a cgroup v2 hierarchy or (``v2`` False) of v1's ``cpu``."""
        self.path, self.v2 = path, v2

    @classmethod
    def create(cls, name: str) -> CpuGroup:
        """A new group (cgroup v1 ``cpu`` hierarchy, or v2 with the cpu controller)."""
        if (CGROUP_V1 / "cpu.cfs_quota_us").exists():
            group = cls(CGROUP_V1 / name, v2=False)
        elif "cpu" in _read(CGROUP_V2 / "cgroup.controllers").split():
            group = cls(CGROUP_V2 / name, v2=True)
            if "cpu" not in _read(CGROUP_V2 / "cgroup.subtree_control").split():
                (CGROUP_V2 / "cgroup.subtree_control").write_text("+cpu")
        else:
            raise SystemExit("No cgroup cpu controller here: cannot emulate a slower machine.")
        try:
            group.path.mkdir(exist_ok=True)
        except PermissionError as error:
            message = "Creating a control group needs root (sudo make bench-reference)."
            raise SystemExit(message) from error
        return group

    def limit(self, fraction: float) -> None:
        """The group's processes get at most ``fraction`` of a core (1 ms in each period)."""
        period = round(QUOTA_US / fraction)
        if self.v2:
            (self.path / "cpu.max").write_text(f"{QUOTA_US} {period}")
        else:
            # The period first: a quota above the old period would be refused.
            (self.path / "cpu.cfs_period_us").write_text(str(period))
            (self.path / "cpu.cfs_quota_us").write_text(str(QUOTA_US))

    def add(self, pid: int) -> None:
        """Moves the process, all its threads, into the group."""
        (self.path / "cgroup.procs").write_text(str(pid))

    def pids(self) -> list[int]:
        """The processes in the group."""
        return [int(line) for line in _read(self.path / "cgroup.procs").split()]

    def remove(self) -> None:
        """Deletes the group (it must be empty)."""
        self.path.rmdir()


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def is_rasa_server(args: list[str]) -> bool:
    """Whether a process's arguments are a ``rasa run`` or ``python -m speedups run``.

    Not ``rasa run actions``.
    """
    for index, arg in enumerate(args[:-1]):
        launcher = Path(arg).name == "rasa" or (
            arg == "speedups" and args[index - 1 : index] == ["-m"]
        )
        if launcher and args[index + 1] == "run":
            return index + 2 >= len(args) or args[index + 2] != "actions"
    return False


@contextmanager
def emulated(fraction: float) -> Iterator[tuple[CpuGroup, CpuGroup]]:
    """Two groups at ``fraction`` of a core each: the Rasa server's, and the rest's."""
    tag = f"aftercare-reference-{os.getpid()}"
    server, rest = CpuGroup.create(f"{tag}-server"), CpuGroup.create(f"{tag}-rest")
    try:
        server.limit(fraction)
        rest.limit(fraction)
        yield server, rest
    finally:
        for group in (server, rest):
            group.remove()


def run_limited(module: str, args: list[str], fraction: float) -> str:
    """Runs ``python -m module args`` at ``fraction``; echoes and returns what it prints."""
    with emulated(fraction) as (server, rest):
        process = subprocess.Popen(
            [str(PYTHON), "-u", "-m", module, *args],
            cwd=ROOT,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: rest.add(os.getpid()),  # before it starts anything
        )
        done = threading.Event()

        def move_rasa_servers() -> None:
            # The Rasa servers the benchmark starts are born in `rest`: move them out.
            while not done.wait(0.2):
                for pid in rest.pids():
                    if is_rasa_server(_read(Path(f"/proc/{pid}/cmdline")).split("\0")):
                        server.add(pid)

        mover = threading.Thread(target=move_rasa_servers, daemon=True)
        mover.start()
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            lines.append(line)
        process.wait()
        done.set()
        mover.join()
        if process.returncode != 0:
            raise SystemExit(f"{module} failed ({process.returncode})")
        return "".join(lines)


def throughput(output: str) -> float:
    """The messages/s a benchmark printed (the first, for the one-server run)."""
    found = re.search(r"throughput: ([\d.]+) messages/s", output)
    if found is None:
        raise SystemExit("The benchmark printed no throughput.")
    return float(found.group(1))


def main() -> None:
    """Finds the fraction at which the starter bot makes 23 messages/s; runs both bots there."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--turns", type=int, default=300)
    parser.add_argument("--start", type=float, default=0.5, help="the fraction to try first")
    args = parser.parse_args()
    seconds = ["--seconds", str(args.seconds)]
    print(f"Rasa's starter bot, each core at {args.start:.2f} of this machine's speed:")
    rate = throughput(run_limited("benchmarks.starter", seconds, args.start))
    fraction = min(1.0, args.start * REFERENCE_STARTER_RATE / rate)
    print(f"\nEach core at {fraction:.2f} of this machine's speed (the reference machine):")
    starter = throughput(run_limited("benchmarks.starter", seconds, fraction))
    print()
    bench = ["--skip-train", "--no-cluster", "--turns", str(args.turns), *seconds]
    ours = throughput(run_limited("benchmarks.bench", bench, fraction))
    print(
        f"\nAt {fraction:.2f} of this machine: the starter bot {starter:.1f} messages/s "
        f"(reference {REFERENCE_STARTER_RATE:.0f}), the aftercare bot {ours:.1f} messages/s."
    )


if __name__ == "__main__":
    main()
