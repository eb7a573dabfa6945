"""``python -m speedups run …``: Rasa's own command line, with the speed-ups installed first.

Any ``rasa`` command works (``run``, ``shell``); the speed-ups are in place before Rasa
loads its model. ``AFTERCARE_SPEEDUPS=off`` makes it the same as ``rasa``.
"""

from __future__ import annotations

import speedups


def main() -> None:
    """Installs the speed-ups, then runs Rasa's command line with this process's arguments."""
    from rasa.__main__ import main as rasa_main
    from rasa.utils.io import configure_colored_logging

    configure_colored_logging(None)  # Rasa's own log format, so that the install is logged
    speedups.install()

    rasa_main()


if __name__ == "__main__":
    main()
