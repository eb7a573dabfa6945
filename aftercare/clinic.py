"""The clinic's details and calendar, read from configuration (never hard-coded in replies).

Plain Python, no Rasa import. Nothing is read at import time: :func:`load` reads the file
and the environment on first use and caches the result.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import MISSING, dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "clinic.yml"


@dataclass(frozen=True)
class Clinic:
    """What a patient needs to reach the clinic, and how to read its calendar."""

    name: str
    phone: str
    booking_link: str
    hours: str
    emergency_number: str
    date_order: str = "DMY"
    timezone: str = "Europe/London"
    website_origin: str = "http://localhost:8080"
    country: str = "GB"
    """ISO 3166 code: how to read phone numbers written without +country code."""
    opening_hours: str = "monday to friday 09:00-18:00"
    """When the clinic's phone is answered, in its time zone (:func:`parse_opening_hours`)."""
    crisis_line_name: str = "Samaritans"
    crisis_line: str = "116 123"
    """Who a patient in crisis can call at any hour, free (UK: Samaritans)."""
    advice_line: str = "111"
    """Urgent medical advice when the clinic is closed (UK: NHS 111)."""

    def now(self) -> datetime:
        """The time at the clinic."""
        return datetime.now(ZoneInfo(self.timezone))

    def today(self) -> date:
        """Today's date at the clinic."""
        return self.now().date()

    def is_open(self, moment: datetime) -> bool:
        """Whether the clinic's phone is answered at ``moment`` (in the clinic's time zone)."""
        local = moment.astimezone(ZoneInfo(self.timezone)) if moment.tzinfo else moment
        spans = parse_opening_hours(self.opening_hours).get(local.weekday(), [])
        return any(start <= local.time() < end for start, end in spans)

    def website_origins(self) -> list[str]:
        """The origins (scheme://host[:port]) of the clinic's site, where the chat widget runs."""
        origins = (origin.strip().rstrip("/") for origin in self.website_origin.split(","))
        return [origin for origin in origins if origin]

    def response_values(self) -> dict[str, str]:
        """The details the responses use, by variable name (``{clinic_phone}``, ...)."""
        return {
            "clinic_name": self.name,
            "clinic_phone": self.phone,
            "clinic_booking_link": self.booking_link,
            "clinic_hours": self.hours,
            "emergency_number": self.emergency_number,
            "crisis_line_name": self.crisis_line_name,
            "crisis_line": self.crisis_line,
            "advice_line": self.advice_line,
        }


DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def _day(name: str) -> int:
    """Monday is 0; a day may be written in full or by its first three letters."""
    name = name.strip().lower()
    for index, day in enumerate(DAYS):
        if name in (day, day[:3]):
            return index
    raise ValueError(f"opening hours: {name!r} is not a day of the week")


def _time(hours: str, minutes: str) -> time:
    if int(hours) == 24 and int(minutes) == 0:
        return time.max
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError(f"opening hours: {hours}:{minutes} is not a time of day")
    return time(int(hours), int(minutes))


def parse_opening_hours(text: str) -> dict[int, list[tuple[time, time]]]:
    """When the clinic is open, by weekday (Monday is 0), from its configured words.

    Entries are separated by ``;``; each is a day or a range of days, then one or more spans
    of ``HH:MM-HH:MM`` separated by ``,``: ``"monday to friday 09:00-18:00; saturday
    10:00-13:00, 14:00-16:00"``. A day not named is closed; ``"closed"`` is never open.

    Raises:
        ValueError: for a day, a time or a span that cannot be read, in words for the log.
    """
    return _parsed_hours(text.strip().lower())


@functools.lru_cache(maxsize=8)
def _parsed_hours(text: str) -> dict[int, list[tuple[time, time]]]:
    opening: dict[int, list[tuple[time, time]]] = {}
    if text == "closed":
        return opening
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        found = re.match(r"^([a-z]+)(?:\s*(?:-|to)\s*([a-z]+))?\s+(.+)$", entry)
        if not found:
            raise ValueError(f"opening hours: cannot read {entry!r}")
        first = _day(found.group(1))
        last = _day(found.group(2)) if found.group(2) else first
        days = [(first + step) % 7 for step in range((last - first) % 7 + 1)]
        for span in found.group(3).split(","):
            times = _SPAN.match(span.strip())
            if not times:
                raise ValueError(f"opening hours: cannot read the span {span.strip()!r}")
            start, end = _time(*times.group(1, 2)), _time(*times.group(3, 4))
            if end <= start:
                raise ValueError(f"opening hours: {span.strip()!r} ends before it starts")
            for day in days:
                opening.setdefault(day, []).append((start, end))
    return opening


def _written(value: Any) -> str:
    """A file value as text; opening hours may be a mapping of days to spans."""
    if isinstance(value, Mapping):
        return "; ".join(f"{day} {spans}" for day, spans in value.items())
    return str(value)


def from_mapping(values: Mapping[str, Any], environ: Mapping[str, str]) -> Clinic:
    """Build the clinic from file values, with ``CLINIC_*`` environment variables winning.

    Raises:
        ValueError: a required value is missing, or the opening hours cannot be read.
    """
    fields = Clinic.__dataclass_fields__
    merged = {key: _written(values[key]) for key in fields if key in values}
    for key in fields:
        env_value = environ.get(f"CLINIC_{key.upper()}")
        if env_value:
            merged[key] = env_value
    missing = [key for key, f in fields.items() if key not in merged and f.default is MISSING]
    if missing:
        raise ValueError(f"clinic configuration lacks {', '.join(sorted(missing))}")
    found = Clinic(**merged)
    parse_opening_hours(found.opening_hours)  # a setting that cannot work stops the start
    return found


@functools.lru_cache(maxsize=1)
def load() -> Clinic:
    """The clinic from ``AFTERCARE_CLINIC_CONFIG`` (default ``clinic.yml``) and the environment."""
    path = Path(os.environ.get("AFTERCARE_CLINIC_CONFIG", DEFAULT_PATH))
    values = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return from_mapping(values or {}, dict(os.environ))


def today() -> date:
    """Today's date at the configured clinic (tests replace this to pin the calendar)."""
    return load().today()


def is_open_now() -> bool:
    """Whether the configured clinic's phone is answered now (tests replace this)."""
    settings = load()
    return settings.is_open(settings.now())
