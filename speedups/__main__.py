"""``python -m speedups run …``: Rasa's own command line, with the speed-ups installed first.

Any ``rasa`` command works (``run``, ``shell``); the speed-ups are in place before Rasa
loads its model. ``AFTERCARE_SPEEDUPS=off`` makes it the same as ``rasa``.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

import speedups

ONE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
"""One thread for each maths library: the server works on one message at a time, and the
libraries' worker threads, spinning between tiny matrix products, took the other core from
the action server and from everything else on the machine. Measured on 29 November, a
20,000-character message cost the Rasa server 180 to 230 ms of CPU for 90 to 140 ms of wall
time; with one thread, 80 to 100 ms for the same wall time (docs/performance.md). Set before
NumPy is imported; a value already in the environment is kept."""


def single_threaded_maths(environ: MutableMapping[str, str]) -> None:
    """Puts ``ONE_THREAD`` into ``environ``, keeping any value an operator set."""
    for variable, value in ONE_THREAD.items():
        environ.setdefault(variable, value)


def main() -> None:
    """Installs the speed-ups, then runs Rasa's command line with this process's arguments."""
    single_threaded_maths(os.environ)
    from rasa.__main__ import main as rasa_main
    from rasa.utils.io import configure_colored_logging

    configure_colored_logging(None)  # Rasa's own log format, so that the install is logged
    speedups.install()

    rasa_main()


if __name__ == "__main__":
    main()
