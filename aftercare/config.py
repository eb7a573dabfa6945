"""Checking settings when a program starts, so that a bad one is one clear line, not a crash.

Plain Python, no Rasa import. A setting is read where it is used (the retention in
``handover/__main__.py``, the channels' limits in ``components/*_channel.py``, the database
URL in ``storage/database.py``); these functions turn what was written into a number, or
raise :class:`ConfigError` saying which setting, what it must be, and what it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

RETENTION_VARIABLE = "AFTERCARE_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90

CHANNEL_LIMITS = {
    # setting: the least it may be (what 0 means is in the channel's docstring)
    "max_characters": 1,
    "max_sender_length": 1,
    "messages_per_minute": 0,  # 0: no rate limit
    "bytes_per_minute": 0,  # of a sender's text; 0: no limit
    "address_messages_per_minute": 0,  # of all senders from one address; 0: no limit
    "address_bytes_per_minute": 0,
    "messages_at_once": 0,  # 0: no line
}
"""The channels' numeric settings in ``credentials.yml``."""

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class ConfigError(ValueError):
    """A setting that cannot work; the message names it, says what it must be and what it is."""


def whole_number(value: Any, name: str, minimum: int) -> int:
    """``value`` as an int of at least ``minimum``: an int, or text of ASCII digits.

    ``True``, ``2.5``, ``"90d"`` and ``"1e3"`` are refused: YAML and the environment turn a
    typo into such values, and Python's ``int()`` would accept some (``int(2.5)`` is 2) and
    crash on others later, at first use.
    """
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None or number < minimum:
        raise ConfigError(f"{name} must be a whole number of at least {minimum}, not {value!r}")
    return number


def retention_days(environ: Mapping[str, str]) -> int:
    """``AFTERCARE_RETENTION_DAYS`` (at least 1), or 90 when it is unset or empty."""
    value = environ.get(RETENTION_VARIABLE, "").strip()
    if not value:
        return DEFAULT_RETENTION_DAYS
    return whole_number(value, RETENTION_VARIABLE, 1)


def channel_limits(settings: Mapping[str, Any]) -> dict[str, int]:
    """The channel's numeric settings in ``settings``, checked; other keys are not looked at."""
    return {
        key: whole_number(settings[key], key, minimum)
        for key, minimum in CHANNEL_LIMITS.items()
        if key in settings
    }
