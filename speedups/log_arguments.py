"""Rasa's debug-log arguments, deep-copied only when debug logging is on.

Rasa 3.6 logs what it does at debug level with deep copies of what it logs::

    structlogger.debug("processor.actions.log", rasa_events=copy.deepcopy(events))

Python builds the arguments before structlog's call can drop them, so each message pays for
about thirteen deep copies of events, dialogue states and slot values that nobody reads when
debug logging is off (as ``rasa run`` has it by default): 3 % of the server's time under
load.

In the four modules below every ``copy.deepcopy`` is such an argument (a test reads their
source and checks this, so a Rasa upgrade that adds a real copy fails it).
``copy_only_when_debugging`` gives those modules, in place of the ``copy`` module, an object
whose ``deepcopy`` copies when structlog lets debug messages through and otherwise hands the
value on: structlog then drops it without looking at it. Everything else is the ``copy``
module's own. ``speedups.install`` calls it when the Rasa server
starts.
"""

from __future__ import annotations

import copy
import logging
from types import ModuleType
from typing import Any

import rasa.core.actions.forms
import rasa.core.policies.memoization
import rasa.core.policies.rule_policy
import rasa.core.processor
import structlog

MODULES: tuple[ModuleType, ...] = (
    rasa.core.processor,
    rasa.core.policies.memoization,
    rasa.core.policies.rule_policy,
    rasa.core.actions.forms,
)
"""Rasa's modules whose every ``copy.deepcopy`` is an argument of ``structlogger.debug``."""

_ABOVE_DEBUG = (logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)


def debug_logging_on() -> bool:
    """Whether structlog may write debug messages (False only when it surely drops them).

    Rasa configures structlog with ``make_filtering_bound_logger(level)``, whose methods
    below the level do nothing. Any other configuration counts as debug logging on.
    """
    wrapper = structlog.get_config()["wrapper_class"]
    filtering = (structlog.make_filtering_bound_logger(level) for level in _ABOVE_DEBUG)
    return not any(wrapper is above_debug for above_debug in filtering)


class DebugOnlyCopies:
    """Stands in for the ``copy`` module: ``deepcopy`` copies only for debug logging."""

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        """A deep copy when debug messages are written; otherwise ``value`` itself."""
        if debug_logging_on():
            return copy.deepcopy(value, memo)
        return value

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def copy_only_when_debugging() -> None:
    """The modules in ``MODULES`` deep-copy their debug-log arguments only for debug logging."""
    for module in MODULES:
        module.copy = DebugOnlyCopies()  # type: ignore[attr-defined]
