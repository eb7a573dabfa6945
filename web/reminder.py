"""The day-14 reminder a self-care answer offers: an iCalendar (.ics) file, made with icalendar.

It holds the day, the clinic's name and phone and what to check, in the words of
``reminder_title`` and ``reminder_text`` (``clinic.yml``), and nothing the patient said: a
calendar is not private (it syncs, it is shared, it shows on a locked phone). The page server
(``web/server.py``) answers ``GET /reminder.ics?date=YYYY-MM-DD`` with it; only a date is read.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import icalendar

from aftercare.clinic import Clinic

LATEST_DAYS = 60
"""How far ahead a reminder may be (the review is 14 days after a treatment)."""
REMINDER_HOUR = 9
"""The alarm rings at 9 in the morning of the day (the event itself lasts the whole day)."""


def reminder_day(text: str | None, today: date) -> date | None:
    """The day asked for, ``YYYY-MM-DD``, if it is from yesterday to ``LATEST_DAYS`` ahead."""
    if not text or len(text) != 10:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    if not today - timedelta(days=1) <= day <= today + timedelta(days=LATEST_DAYS):
        return None
    return day


class _Kept(dict[str, str]):
    """Values for a configured text; a name it does not know is left as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def reminder(details: Clinic, day: date, now: datetime | None = None) -> bytes:
    """The .ics file: one all-day event on ``day`` with an alarm at 9 in the morning."""
    values = _Kept(details.response_values())
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Clinic aftercare assistant//reminder//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    stamp = now or datetime.now(UTC)
    uid = hashlib.sha256(f"{details.name}|{day.isoformat()}".encode()).hexdigest()[:32]
    event.add("uid", f"{uid}@aftercare-reminder")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", details.reminder_title.format_map(values))
    event.add("description", details.reminder_text.format_map(values))
    event.add("transp", "TRANSPARENT")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", details.reminder_title.format_map(values))
    alarm.add("trigger", timedelta(hours=REMINDER_HOUR))
    event.add_component(alarm)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
