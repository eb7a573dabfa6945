"""Every change this project makes to Rasa's internals, in one list, installed in one place.

Rasa 3.6 has no setting for any of these. Each one makes the Rasa server do the same work
for less; the tests check each against Rasa's own behaviour (``tests/unit/test_<name>.py``), and
``docs/performance.md`` gives what each one saves. They were written for Rasa
:data:`RASA_VERSION` and read or replace its private code, so:

* :func:`install` changes nothing on any other Rasa version, and logs a WARNING instead;
* ``AFTERCARE_SPEEDUPS=off`` (or ``0``, ``false``, ``no``) leaves Rasa as it is, to compare
  or to rule the speed-ups out when something looks wrong;
* :func:`install` is called once, by ``python -m speedups run`` (``speedups/__main__.py``),
  which ``scripts/run.sh`` and the tests' servers use to start the Rasa server; ``rasa run``
  itself runs Rasa untouched. A second call changes nothing.

Training and ``rasa test`` keep Rasa's own code. One more change of Rasa's internals is not a
speed-up and so is not switched off: how long Rasa waits for the action server
(:func:`bound_action_wait`), which the fail-safe policy sets.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
"""The Rasa version the patches were written for and tested against."""

SWITCH = "AFTERCARE_SPEEDUPS"
"""The environment variable that turns the speed-ups off."""

_OFF = frozenset({"0", "off", "false", "no"})


@dataclass(frozen=True)
class Patch:
    """One speed-up: the function in ``speedups.<module>`` that installs it."""

    module: str
    function: str

    def install(self) -> None:
        """Installs the patch (imports its module only now)."""
        getattr(importlib.import_module(f"{__name__}.{self.module}"), self.function)()


PATCHES: tuple[Patch, ...] = (
    Patch("graph_runner", "use_fixed_order"),
    Patch("rule_index", "use_rule_index"),
    Patch("dialogue_states", "use_states_once"),
    Patch("slot_copy", "use_direct_slot_copies"),
    Patch("events", "use_event_lookup"),
    Patch("action_client", "check_answers_by_event_type"),
    Patch("action_client", "write_json_with_ujson"),
    Patch("empty_domain", "compare_with_one_empty_domain"),
    Patch("log_arguments", "copy_only_when_debugging"),
    Patch("memory", "settle_after_server_start"),
)
"""The speed-ups, in the order they are installed."""

_installed: tuple[Patch, ...] | None = None


def rasa_version() -> str:
    """The installed Rasa's version."""
    from rasa.version import __version__

    return str(__version__)


def install(environ: Mapping[str, str] = os.environ) -> tuple[Patch, ...]:
    """Installs the speed-ups once; returns those installed (none when off or on another Rasa).

    Args:
        environ: the environment, read for the off switch (:data:`SWITCH`).
    """
    global _installed
    if _installed is not None:
        return _installed
    version = rasa_version()
    if environ.get(SWITCH, "").strip().lower() in _OFF:
        logger.warning(
            "Rasa speed-ups off (%s=%s): Rasa runs its own code", SWITCH, environ[SWITCH]
        )
        _installed = ()
    elif version != RASA_VERSION:
        logger.warning(
            "Rasa speed-ups not installed: written for Rasa %s, this is %s; Rasa runs its own "
            "code, slower (speedups/__init__.py)",
            RASA_VERSION,
            version,
        )
        _installed = ()
    else:
        for patch in PATCHES:
            patch.install()
        _installed = PATCHES
        logger.info(
            "Rasa speed-ups on (%s=off to turn them off): %s",
            SWITCH,
            ", ".join(f"{p.module}.{p.function}" for p in PATCHES),
        )
    return _installed


def bound_action_wait(seconds: float) -> None:
    """Rasa gives up on a custom action after ``seconds``; then the fail-safe policy answers.

    Rasa 3.6 waits up to 5 minutes (``DEFAULT_REQUEST_TIMEOUT``, a module constant its
    ``RemoteAction`` reads at each call) and has no setting for it. Not a speed-up: set
    whatever the switch says, on the version it was written for only.
    """
    version = rasa_version()
    if version != RASA_VERSION:
        logger.warning(
            "Rasa %s: the action server's time limit is Rasa's own, not %s s", version, seconds
        )
        return
    import rasa.core.actions.action

    rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = float(seconds)
