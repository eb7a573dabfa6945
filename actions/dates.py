"""Work out when the treatment was from what the patient says ("5 days ago", "last Monday").

Plain Python, no Rasa import; ``today`` is always passed in so tests pin the calendar.
Relative phrases ("a fortnight ago", "two and a half weeks") are read here; absolute dates
("12 March", "10/11/2026") and numbers in words are left to ``dateparser``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import dateparser
from dateparser.search import search_dates


class DateProblem(StrEnum):
    """Why a treatment date could not be used."""

    NOT_UNDERSTOOD = "not_understood"
    DONT_KNOW = "dont_know"
    IN_FUTURE = "in_future"
    TOO_LONG_AGO = "too_long_ago"


@dataclass(frozen=True)
class TreatmentDate:
    """The result of reading a treatment date: a date, or the reason there is none."""

    treated_on: date | None = None
    problem: DateProblem | None = None

    def days_before(self, today: date) -> int | None:
        """Whole days from the treatment to ``today``."""
        return None if self.treated_on is None else (today - self.treated_on).days


MAX_DAYS_AGO = 365
"""A treatment further back than this is taken for a slip and asked again."""

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "couple": 2, "a couple": 2, "a couple of": 2,
    "few": 3, "a few": 3, "several": 3,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "night": 1, "week": 7, "fortnight": 14, "month": 30}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_NUMBER = (
    r"(?P<number>\d+(?:[.,]\d+)?|"
    + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
    + r")"
)
_DURATION = re.compile(
    rf"(?:(?P<minus>-)\s*)?(?<![\w.]){_NUMBER}\s*(?P<half_before>and a half\s+)?"
    r"(?P<unit>day|night|week|fortnight|month)s?\b(?P<half_after>\s+and a half)?"
    r"(?P<later>\s+(?:from now|later|in the future))?"
)
# "1-2 weeks", "5 to 7 days", "between 10 and 12 days": the upper end is read, the safer one
# for the 2-week rule. Only the lower end and the joining word are matched (and dropped).
_ANY_NUMBER = _NUMBER.replace("?P<number>", "?:")
_RANGE_START = re.compile(
    rf"(?:\bbetween\s+)?(?<![\w.-]){_ANY_NUMBER}\s*(?:-|\u2013|to|or|and)\s*"
    rf"(?={_ANY_NUMBER}\s*(?:and a half\s+)?(?:day|night|week|fortnight|month))"
)
# "it's day 5", "day 2-3" (the later day): patients counting the days since the treatment.
_DAY_NUMBER = "|".join(
    word
    for word in _NUMBER_WORDS
    if word not in ("a", "an", "few", "a few", "several") and "couple" not in word
)
_DAY_COUNT = re.compile(
    rf"\bday\s+(?:(?:\d+|{_DAY_NUMBER})\s*(?:-|\u2013|to|or)\s*)?(?P<number>\d+|{_DAY_NUMBER})\b"
)
_HALF_UNIT = re.compile(r"\bhalf (?:a |an )?(?P<unit>week|month|fortnight)\b")
_DONT_KNOW = re.compile(
    r"\b(?:don't|dont|do not|can't|cant|cannot) (?:remember|recall|know)|not sure|no idea|"
    r"forgot|forget|unsure|dunno|idk\b"
)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_FUTURE_WORDS = re.compile(
    r"\b(?:tomorrow|in \d+ days|"
    r"next (?:week|month|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
)


def _number(word: str) -> float:
    word = word.strip()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    return float(word.replace(",", "."))


def _from_duration(text: str, today: date) -> TreatmentDate | None:
    half = _HALF_UNIT.search(text)
    if half:
        return _days_ago(_UNIT_DAYS[half["unit"]] / 2, today)
    match = _DURATION.search(_RANGE_START.sub("", text))
    if not match:
        return None
    amount = _number(match["number"])
    if match["half_before"] or match["half_after"]:
        amount += 0.5
    days = amount * _UNIT_DAYS[match["unit"]]
    if match["minus"] or match["later"]:
        return TreatmentDate(problem=DateProblem.IN_FUTURE)
    return _days_ago(days, today)


def _from_day_count(text: str, today: date) -> TreatmentDate | None:
    match = _DAY_COUNT.search(text)
    return _days_ago(_number(match["number"]), today) if match else None


def _days_ago(days: float, today: date) -> TreatmentDate:
    # Half days round up: the later day is the safer one for the 2-week rule.
    whole = int(days + 0.5)
    return _checked(today - timedelta(days=whole), today)


def _from_weekday(text: str, today: date) -> TreatmentDate | None:
    match = re.search(r"\b(?:(last|this|on|past)\s+)?(" + "|".join(_WEEKDAYS) + r")\b", text)
    if not match:
        return None
    back = (today.weekday() - _WEEKDAYS.index(match[2])) % 7
    if back == 0 and match[1] != "this":
        back = 7
    return _checked(today - timedelta(days=back), today)


_FIXED = {
    "today": 0, "this morning": 0, "this afternoon": 0, "earlier today": 0, "tonight": 0,
    "day before yesterday": 2, "yesterday": 1, "last night": 1, "last week": 7,
    "a week ago": 7, "last month": 30,
}  # fmt: skip


def _from_fixed(text: str, today: date) -> TreatmentDate | None:
    for phrase in sorted(_FIXED, key=len, reverse=True):
        if re.search(rf"\b{phrase}\b", text):
            return _checked(today - timedelta(days=_FIXED[phrase]), today)
    return None


def _from_calendar(text: str, today: date, date_order: str) -> TreatmentDate | None:
    base = datetime.combine(today, datetime.min.time())
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": date_order,
        "REQUIRE_PARTS": ["day"],
        "STRICT_PARSING": False,
    }
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    if parsed is None and re.search(r"\d", text):
        found = search_dates(text, languages=["en"], settings=settings)
        parsed = found[0][1] if found else None
    return None if parsed is None else _checked(parsed.date(), today)


def _checked(treated_on: date, today: date) -> TreatmentDate:
    if treated_on > today:
        return TreatmentDate(problem=DateProblem.IN_FUTURE)
    if (today - treated_on).days > MAX_DAYS_AGO:
        return TreatmentDate(problem=DateProblem.TOO_LONG_AGO)
    return TreatmentDate(treated_on=treated_on)


def parse_treatment_date(text: str, today: date, date_order: str = "DMY") -> TreatmentDate:
    """Read the treatment date from a patient's message.

    Args:
        text: the message, e.g. "had it done 5 days ago" or "on the 3rd of November".
        today: the date the patient is writing on.
        date_order: how to read "10/11/2026" ("DMY" in the UK, "MDY" in the US).

    Returns:
        The treatment date, or the problem with what was said: not understood, "I don't
        know", a date in the future ("tomorrow", "-3 days") or further back than a year.
    """
    cleaned = text.lower().replace("\u2019", "'").strip()
    if not cleaned or len(cleaned) > 500:
        return TreatmentDate(problem=DateProblem.NOT_UNDERSTOOD)
    if _FUTURE_WORDS.search(cleaned):
        return TreatmentDate(problem=DateProblem.IN_FUTURE)
    iso = _ISO_DATE.search(cleaned)
    if iso:
        try:
            return _checked(date.fromisoformat(iso.group(0)), today)
        except ValueError:
            return TreatmentDate(problem=DateProblem.NOT_UNDERSTOOD)
    for reader in (_from_duration, _from_day_count, _from_fixed, _from_weekday):
        result = reader(cleaned, today)
        if result is not None:
            return result
    if _DONT_KNOW.search(cleaned):
        return TreatmentDate(problem=DateProblem.DONT_KNOW)
    result = _from_calendar(cleaned, today, date_order)
    return result or TreatmentDate(problem=DateProblem.NOT_UNDERSTOOD)


_TREATMENT = r"(?:botox|treatment|injections?|injected|jabs?|procedure|appointment|had it done)"
_LINKED_AFTER = re.compile(rf"\b{_TREATMENT}\b(?P<rest>(?:\s+\S+){{1,6}})")
_LINKED_BEFORE = re.compile(
    rf"(?P<span>(?:\S+\s+){{0,3}}(?:days?|weeks?|fortnight|months?))\s+since\s+"
    rf"(?:my |the |i had (?:my |the )?)?{_TREATMENT}"
)


def treatment_date_in_report(text: str, today: date, date_order: str = "DMY") -> date | None:
    """The treatment date in a message that reports symptoms, only where it is unambiguous.

    "Had Botox 5 days ago and my eye twitches" gives the date; "my eye has twitched for 2
    days" does not (that is how long the symptom lasted, not when the treatment was), and
    neither does anything the reader is not sure of: the form then asks.
    """
    cleaned = text.lower().replace("\u2019", "'")
    for match in (_LINKED_BEFORE.search(cleaned), _LINKED_AFTER.search(cleaned)):
        if match is None:
            continue
        span = match.group("span") if "span" in match.groupdict() else match.group("rest")
        if match.re is _LINKED_AFTER and not re.search(
            r"\bago\b|\bon\b|\blast\b|yesterday|today|\d", span
        ):
            continue
        result = parse_treatment_date(span, today, date_order)
        if result.treated_on is not None:
            return result.treated_on
    return None
