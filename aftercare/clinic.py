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
from datetime import UTC, date, datetime, time
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
    privacy_policy_link: str = "https://clinic.example/privacy"
    """The clinic's privacy policy, linked from the chat widget's privacy notice."""
    privacy_notice_version: str = "1"
    """The privacy notice's version: a patient's consent is stored with it (change it when
    the notice's words change, and every patient is asked again)."""
    reminder_title: str = "Aftercare check: {clinic_name}"
    reminder_text: str = (
        "Two weeks since your treatment: has it settled as you expected? If not, call "
        "{clinic_name} on {clinic_phone} ({clinic_hours}). In an emergency, call "
        "{emergency_number}."
    )
    """The day-14 calendar reminder's title and text (web/reminder.py): a calendar is not
    private, so never a symptom; ``{clinic_name}``, ``{clinic_phone}``... are filled in."""
    logo: str = ""
    """The clinic's logo in the chat widget's header (an https:// address or a path on the
    page's own site); none when empty."""

    def now(self) -> datetime:
        """The time at the clinic."""
        return datetime.now(ZoneInfo(self.timezone))

    def today(self) -> date:
        """Today's date at the clinic."""
        return self.now().date()

    def local(self, moment: datetime) -> datetime:
        """``moment`` in the clinic's time zone (a naive one is taken as UTC)."""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(ZoneInfo(self.timezone))

    def local_time(self, moment: datetime) -> str:
        """How the staff see ``moment``: "07 Dec 2026 09:15 GMT", in the clinic's zone."""
        return self.local(moment).strftime("%d %b %Y %H:%M %Z")

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
_DAY_NAMES = {
    **{day: index for index, day in enumerate(DAYS)},
    **{day[:3]: index for index, day in enumerate(DAYS)},
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_DAY_GROUPS = {
    "weekdays": range(5),
    "weekends": range(5, 7),
    "weekend": range(5, 7),
    "daily": range(7),
    "every day": range(7),
}
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-"})
_TIME = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?"
_SPAN = re.compile(rf"^{_TIME}\s*(?:-|to)\s*{_TIME}$")
_ENTRY = re.compile(r"^([a-z]+(?: day)?)(?:\s*(?:-|to)\s*([a-z]+))?\s*:?\s+(.+)$")


def _days(first: str, last: str | None) -> list[int]:
    """Monday is 0; a day in full or by its usual short forms, or a range of them."""
    if first in _DAY_GROUPS and last is None:
        return list(_DAY_GROUPS[first])
    for name in (first, last):
        if name is not None and name not in _DAY_NAMES:
            raise ValueError(f"opening hours: {name!r} is not a day of the week")
    start = _DAY_NAMES[first]
    end = _DAY_NAMES[last] if last else start
    return [(start + step) % 7 for step in range((end - start) % 7 + 1)]


def _time(hours: str, minutes: str | None, half: str | None) -> time:
    hour, minute = int(hours), int(minutes or 0)
    if half:
        if not 1 <= hour <= 12:
            raise ValueError(f"opening hours: {hours}{half} is not a time of day")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour == 24 and minute == 0:
        return time.max
    if hour > 23 or minute > 59:
        raise ValueError(f"opening hours: {hours}:{minutes} is not a time of day")
    return time(hour, minute)


def parse_opening_hours(text: str) -> dict[int, list[tuple[time, time]]]:
    """When the clinic is open, by weekday (Monday is 0), from its configured words.

    Entries are separated by ``;``; each is a day, a range of days or ``weekdays``,
    ``weekends``, ``daily``, then ``closed`` or one or more spans separated by ``,``:
    ``"monday to friday 09:00-18:00; sat 10am-1pm, 2pm-4pm; sunday closed"``. A day not
    named is closed; ``"closed"`` alone is never open.

    Raises:
        ValueError: for a day, a time or a span that cannot be read, or no hours at all, in
            words for the log.
    """
    return _parsed_hours(text.strip().lower().translate(_DASHES))


@functools.lru_cache(maxsize=8)
def _parsed_hours(text: str) -> dict[int, list[tuple[time, time]]]:
    opening: dict[int, list[tuple[time, time]]] = {}
    if text == "closed":
        return opening
    if not text:
        raise ValueError(
            'opening hours: none given (write "closed" if the phone is never answered)'
        )
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        found = _ENTRY.match(entry)
        if not found:
            raise ValueError(f"opening hours: cannot read {entry!r}")
        days = _days(found.group(1), found.group(2))
        if found.group(3).strip() == "closed":
            for day in days:
                opening.setdefault(day, [])
            continue
        for span in found.group(3).split(","):
            times = _SPAN.match(span.strip())
            if not times:
                raise ValueError(f"opening hours: cannot read the span {span.strip()!r}")
            start, end = _time(*times.group(1, 2, 3)), _time(*times.group(4, 5, 6))
            if end <= start:
                raise ValueError(f"opening hours: {span.strip()!r} ends before it starts")
            for day in days:
                opening.setdefault(day, []).append((start, end))
    return opening


def _written(value: Any) -> str:
    """A file value as text; opening hours may be a mapping of days to a span or a list."""
    if isinstance(value, Mapping):
        return "; ".join(f"{day} {_written(spans)}" for day, spans in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
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


def file_values() -> dict[str, Any]:
    """What ``AFTERCARE_CLINIC_CONFIG`` (default ``clinic.yml``) holds; nothing if it is missing."""
    path = Path(os.environ.get("AFTERCARE_CLINIC_CONFIG", DEFAULT_PATH))
    values = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return dict(values or {})


@functools.lru_cache(maxsize=1)
def load() -> Clinic:
    """The clinic from ``AFTERCARE_CLINIC_CONFIG`` (default ``clinic.yml``) and the environment."""
    return from_mapping(file_values(), dict(os.environ))


def today() -> date:
    """Today's date at the configured clinic (tests replace this to pin the calendar)."""
    return load().today()


def is_open_now() -> bool:
    """Whether the configured clinic's phone is answered now (tests replace this)."""
    settings = load()
    return settings.is_open(settings.now())
