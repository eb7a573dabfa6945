"""Work out when the treatment was from what the patient says ("5 days ago", "last Monday").

Plain Python, no Rasa import; ``today`` is always passed in so tests pin the calendar.

How a message is read:

* It is normalised (lower case, one kind of apostrophe and dash, "3 wks" -> "3 weeks").
* Readers, most specific first, find every time phrase in it ("the Monday before last"
  before "Monday", "two weeks ago yesterday" before "yesterday"); each claims its words so
  a later reader does not read them again. Dates with a month name ("14th of Nov") are
  read by ``dateparser``; everything else is read here, because ``dateparser`` (1.2.0)
  misreads the rest or does not read it: "11/14" (as 2014), "the 25th" (ahead), "2 hours
  ago" (yesterday), "-3 days" (in the past); "last Friday", "last weekend", "a fortnight
  ago", "nearly 2 weeks" it does not know. tests/unit/test_dates.py names such a phrase for
  each reader written here.
* A time counted from another date is read from that date: "the day after my birthday,
  which was 18 November", "2 weeks before the 20th". A date said against the patient's own
  today ("on the 5th, and it's the 23rd today") is read on their calendar.
* Phrases that are not about when the treatment was are dropped: "today's the 21st",
  "it started 2 days ago", "2 days after", "my wedding is on the 30th", "not Monday".
* An answer to "When did you have your Botox treatment?" gives the earliest date left:
  of "1-2 weeks", "Monday or Tuesday", the reading furthest back is the safe one for the
  2-week rule (the clinic sees a patient who is not improving from day 14). A report gives
  a date only if a phrase tied to the treatment gives one, and the same one ("since my
  botox 4 days ago", "friday's botox").

Where a phrase is vague the reading stays on the side that does not shorten the time since
the treatment: "nearly 2 weeks" is 13 days, "over 2 weeks" 15, "last weekend" its
Saturday. Two choices do take the later day: "end of last month" is its last day (the
28th-31st), and a bare day ("the 3rd", "Friday") is the most recent one not after today.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

import dateparser

from aftercare.limits import DATE_ANSWER_CHARACTERS, DATE_REPORT_HEAD, DATE_REPORT_TAIL
from aftercare.text import head_and_tail


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


MAX_ANCHORS = 12
"""At most this many mentions of the treatment are looked around in a report."""

_WINDOW_CHARS = 120
"""How far either side of a mention of the treatment a report is read."""

# The widget's quick replies, read as they always were (the upper end of the bucket).
_BUTTONS = {"less than a week ago": 7, "1 to 2 weeks ago": 14, "more than 2 weeks ago": 14}

# --- Words ------------------------------------------------------------------------------

_UNITS = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
]  # fmt: skip
_NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "couple": 2, "a couple": 2, "a couple of": 2, "couple of": 2,
    "few": 3, "a few": 3, "several": 3,
}  # fmt: skip
for _tens, _value in (("twenty", 20), ("thirty", 30), ("forty", 40), ("fifty", 50)):
    for _offset, _unit in enumerate(_UNITS, start=1):
        _NUMBER_WORDS[f"{_tens} {_unit}"] = _NUMBER_WORDS[f"{_tens}-{_unit}"] = _value + _offset

_UNIT_DAYS = {
    "minute": 1 / 1440, "hour": 1 / 24, "day": 1, "night": 1, "week": 7, "fortnight": 14,
    "month": 30, "year": 365,
}  # fmt: skip
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_WD = "(?:" + "|".join(_WEEKDAYS) + ")"
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_UNIT = "(?:" + "|".join(_UNIT_DAYS) + ")"
_NUM = (
    r"(?:\d+(?:[.,]\d+)?|"
    + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
    + r")"
)
_DAY_NUMBER = "|".join(
    sorted(
        (
            re.escape(w)
            for w in _NUMBER_WORDS
            if w not in ("a", "an", "few", "a few", "several") and "couple" not in w
        ),
        key=len,
        reverse=True,
    )
)

# --- Normalising ------------------------------------------------------------------------

_SPELLINGS = [
    (r"(?<=\d)-?ish\b", ""),  # "10ish days": about 10, read as 10
    (r"(?<=\d)\s*(?:d|dy|dys)\b", " days"),
    (r"\b(?:wks?|wk)\b", "weeks"),
    (r"(?<=\d)\s*(?:w|wks?)\b", " weeks"),
    (r"(?<=\d)\s*(?:mo|mos|mths?|mnths?)\b", " months"),
    (r"\b(?:mths|mnths)\b", "months"),
    (r"\byrs?\b", "years"),
    (r"(?<=\d)\s*(?:hrs?|h)\b", " hours"),
    (r"\b(?:yday|yest|yesterdy|yesturday|yesteday|yesterdays)\b", "yesterday"),
    (r"\b(?:tmrw|tmr|tomoz|tomorow|tommorow|tommorrow)\b", "tomorrow"),
    (r"\b(?:2day|tday)\b", "today"),
    (r"\b(?:wensday|wendsday|wednsday|wedensday)\b", "wednesday"),
    (r"\b(?:tusday|tuseday|teusday)\b", "tuesday"),
    (r"\b(?:thrusday|thurday|thursdy)\b", "thursday"),
    (r"\b(?:saterday|satuday)\b", "saturday"),
    (r"\bfortnite\b", "fortnight"),
]
_SPELLINGS_RE = [(re.compile(pattern), by) for pattern, by in _SPELLINGS]
_SHORT_WEEKDAYS = {
    "mon": "monday", "tue": "tuesday", "tues": "tuesday", "wed": "wednesday",
    "weds": "wednesday", "thu": "thursday", "thur": "thursday", "thurs": "thursday",
    "fri": "friday", "sat": "saturday", "sun": "sunday",
}  # fmt: skip
# "sat" and "sun" are words too: a short name is read only next to a word that makes it a day.
_SHORT_WEEKDAY = re.compile(
    r"(?:(?<=\blast )|(?<=\bon )|(?<=\bthis )|(?<=\bpast )|(?<=\bsince )|(?<=\bfrom )|^)"
    r"(?P<short>" + "|".join(_SHORT_WEEKDAYS) + r")\b(?=\.?(?:'s|\s+last\b|\s+before\b|"
    r"\s+just gone\b|\s*$|\s*[,.!?]))"
)


def _normalise(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = " ".join(text.split())
    for pattern, by in _SPELLINGS_RE:
        text = pattern.sub(by, text)
    return _SHORT_WEEKDAY.sub(lambda m: _SHORT_WEEKDAYS[m["short"]], text)


# --- Calendar helpers -------------------------------------------------------------------


def _checked(treated_on: date, today: date) -> TreatmentDate:
    if treated_on > today:
        return TreatmentDate(problem=DateProblem.IN_FUTURE)
    if (today - treated_on).days > MAX_DAYS_AGO:
        return TreatmentDate(problem=DateProblem.TOO_LONG_AGO)
    return TreatmentDate(treated_on=treated_on)


_NOT_UNDERSTOOD = TreatmentDate(problem=DateProblem.NOT_UNDERSTOOD)
_IN_FUTURE = TreatmentDate(problem=DateProblem.IN_FUTURE)


def _whole_days(days: float, adjust: int = 0) -> int:
    # Half days round up: the later day is the safer one for the 2-week rule. Anything over
    # 10 years is cut there ("2026 years ago"), still too long ago but inside ``date``.
    return max(int(min(days, 3650.0) + 0.5) + adjust, 0)


def _before(day: date, days: int, today: date) -> TreatmentDate:
    """``days`` before ``day``, checked against ``today``."""
    return _checked(day - timedelta(days=days), today)


def _days_ago(days: float, today: date, adjust: int = 0) -> TreatmentDate:
    return _before(today, _whole_days(days, adjust), today)


def _weekday_in(text: str) -> int:
    return next(i for i, name in enumerate(_WEEKDAYS) if name in text)


def _recent_weekday(today: date, weekday: int, *, same_day_is_today: bool) -> date:
    """The most recent such weekday; on that weekday, today or a week ago."""
    back = (today.weekday() - weekday) % 7
    if back == 0 and not same_day_is_today:
        back = 7
    return today - timedelta(days=back)


def _monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def _last_saturday(today: date) -> date:
    """The Saturday of last weekend: the one before this week's Monday."""
    return _monday(today) - timedelta(days=2)


def _month_back(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - months
    return index // 12, index % 12 + 1


def _recent_day_of_month(day: int, today: date) -> TreatmentDate:
    """The most recent date with this day of the month that is not after today."""
    if not 1 <= day <= 31:
        return _NOT_UNDERSTOOD
    for back in range(13):
        year, month = _month_back(today, back)
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) <= today:
            return _checked(date(year, month, day), today)
    return _NOT_UNDERSTOOD  # pragma: no cover - every day 1-31 occurs within 13 months


_SOON_DAYS = 31
"""A day and month with no year this close ahead is taken for a date in the future (a slip,
or the next appointment), not for the same day last year."""


def _recent_day_and_month(day: int, month: int, today: date) -> TreatmentDate:
    """The most recent date with this day and month that is not after today."""
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2024, month)[1]:
        return _NOT_UNDERSTOOD
    if day <= calendar.monthrange(today.year, month)[1]:
        ahead = (date(today.year, month, day) - today).days
        if 0 < ahead <= _SOON_DAYS:
            return _IN_FUTURE
    for year in range(today.year, today.year - 8, -1):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) <= today:
            return _checked(date(year, month, day), today)
    return _NOT_UNDERSTOOD  # pragma: no cover - 29 February comes round within 8 years


def _day_in_month(year: int, month: int, day: int | None, today: date) -> TreatmentDate:
    """A day of a given month; ``None`` for its last day."""
    last = calendar.monthrange(year, month)[1]
    if day is not None and day > last:
        return _NOT_UNDERSTOOD
    return _checked(date(year, month, last if day is None else day), today)


# --- What a reader found ----------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    result: TreatmentDate
    kind: str
    """``"ago"`` (a duration back from now, "5 days ago"), ``"duration"`` ("it's been 15
    days"), ``"point"`` (a day: "Friday", "the 3rd"), ``"day_count"`` ("it's day 5"),
    ``"offset"`` (a time between two events: "2 days after"), ``"problem"``, or
    ``"ignored"`` (what today is: "today's the 21st")."""
    shift: int | None = None
    """For an offset, the days from the other event to the one meant: "2 days before" is -2,
    "the day after" 1; ``None`` where there is no such count ("within 2 days")."""


@dataclass(frozen=True)
class _Context:
    text: str
    today: date
    date_order: str


_Reading = tuple[TreatmentDate, str] | tuple[TreatmentDate, str, int]
"""A reader's result, its kind, and for an offset the days it moves a date by."""
_Reader = Callable[[re.Match[str], _Context], _Reading | None]

# --- Readers ----------------------------------------------------------------------------

_DATEISH = (
    rf"(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?(?:\s+(?:of\s+)?{_MONTHS})?|"
    rf"{_WD}(?:\s+the\s+\d{{1,2}}(?:st|nd|rd|th)?)?|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?|"
    r"\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?)"
)
# "today's the 21st", "it's the 21st today", "it's now the 21st", "today's date is the 21st",
# "..., and it's the 21st": what today is, not when the treatment was. The last form, with no
# "today" or "now", is read only as a clause of its own ending on the day ("the 3rd and it's
# the 21st"), not "it's the 21st I had it".
_TODAY_IS = re.compile(
    rf"\b(?:(?:today(?:'s| is|s| being)(?: the date)?|(?:today's|todays) date is|"
    rf"(?:today|now),? it's|it(?:'s| is) now|its now)\s+{_DATEISH}|"
    rf"(?:it's|its|it is)\s+{_DATEISH}\s+(?:today|now)\b)"
    rf"|(?:,|\band|\bbut)\s+(?:it's|its|it is)\s+the\s+\d{{1,2}}(?:st|nd|rd|th)(?=\s*(?:$|[.!?,;]))"
)


def _read_today_is(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    return TreatmentDate(), "ignored"


_T = TypeVar("_T")
_TODAY_WORDS = re.compile(r"\b(?:today(?:'s|s)?|is|it's|its|it|now|being|the date)\b")


def _stated_today(cleaned: str, today: date, date_order: str) -> date | None:
    """The day the patient says today is ("it's the 23rd today"), if they say one."""
    match = _TODAY_IS.search(cleaned)
    if match is None:
        return None
    said = _TODAY_WORDS.sub(" ", match.group(0))
    if re.search(r"\d", said):  # "Monday the 23rd": the date, not the weekday
        said = re.sub(rf"{_WD}|,|\band\b|\bbut\b", " ", said)
    days = [i.result.treated_on for i in _find(said, today, date_order) if i.result.treated_on]
    return days[0] if len(days) == 1 else None


_SAME_DAY = re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening)|earlier|just now)\b")
"""Words that put the treatment on the day the patient calls today."""


def _against_stated_today(
    cleaned: str,
    today: date,
    date_order: str,
    read: Callable[[str, date], _T],
    on: Callable[[_T], date | None],
) -> tuple[_T, int] | None:
    """A treatment date said against another date ("on the 5th, and it's the 23rd today").

    The patient's two dates are read against each other: the treatment was as many days
    before today as the 5th is before the 23rd, whatever today's date. Returns ``read``'s
    result on the patient's own calendar and the days to move it by, or ``None`` when the
    patient gives no today of their own.
    """
    stated = _stated_today(cleaned, today, date_order)
    if stated is None:
        return None
    rest = _TODAY_IS.sub(" ", cleaned)
    result = read(rest, stated)
    if on(result) == stated and not _SAME_DAY.search(rest):
        # "I went in on the 7th, it's the 7th today": a patient who says today's date beside
        # the same day of the month means the month before; today they would call today.
        return read(rest, stated - timedelta(days=1)), (today - stated).days
    if stated == today:
        return None
    return result, (today - stated).days


_VAGUE_DAY = re.compile(
    rf"\b(?:yesterday|today|tonight|last night|this morning|{_WD}|weekend)\s*-?\s*ish\b"
)


def _read_vague_day(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    # "yesterday-ish??": a day the patient is not sure of, with no range to take the end of.
    return _NOT_UNDERSTOOD, "problem"


_ISO_DATE = re.compile(r"(?<![\w/.-])(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _read_iso(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return _NOT_UNDERSTOOD, "problem"
    return _checked(day, ctx.today), "point"


# "14/11", "14.11", "10/11/2026", "10-11-26": the clinic's date order, or the other order
# where only that one makes a date ("11/14" in the UK). A dash needs a year ("1-2 weeks"),
# and a dot a two-digit month ("2.5 weeks", and "2.5" alone, are not dates).
_NUMERIC_DATE = re.compile(
    r"(?<![\w/.-])(?:(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?:(?P=sep)(?P<y>\d{4}|\d{2}))?"
    r"|(?P<a2>\d{1,2})-(?P<b2>\d{1,2})-(?P<y2>\d{4}|\d{2}))(?![\w/-]|\.\d)"
    rf"(?!\s*(?:a\s+|an\s+)?{_UNIT})"
)


def _read_numeric(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    first, second = match["a"] or match["a2"], match["b"] or match["b2"]
    year_text = match["y"] or match["y2"]
    if match["sep"] == "." and not year_text and len(second) != 2:
        return None
    before, after = ctx.text[max(0, match.start() - 10) : match.start()], ctx.text[match.end() :]
    if re.search(r"\b(?:at|by|around|about)\s+$", before) or re.match(r"\s*[ap]\.?m\b", after):
        return None  # a time: "at 10.15", "10.15 am"
    a, b = int(first), int(second)
    order = ctx.date_order.upper()
    day_first = order.find("D") < order.find("M")
    readings = [(a, b), (b, a)] if day_first else [(b, a), (a, b)]
    if match["sep"] == ".":  # "14.11" is day first everywhere it is written
        readings = [(a, b)]
    for day, month in readings:
        if year_text is None:
            result = _recent_day_and_month(day, month, ctx.today)
            if result.problem is not DateProblem.NOT_UNDERSTOOD:
                return result, "point"
            continue
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        try:
            return _checked(date(year, month, day), ctx.today), "point"
        except ValueError:
            continue
    return _NOT_UNDERSTOOD, "problem"


_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)"
_MONTH_DATE = re.compile(
    rf"(?<![\w/.])(?P<d1>\d{{1,2}}){_ORDINAL_SUFFIX}?\s+(?:of\s+)?{_MONTHS}\b\.?"
    rf"(?:,?\s+(?P<y1>\d{{4}}|'\d{{2}}|\d{{2}}(?!\s*(?:{_UNIT}|{_ORDINAL_SUFFIX}))))?\b"
    rf"|\b{_MONTHS}\b\.?\s+(?:the\s+)?(?P<d2>\d{{1,2}}){_ORDINAL_SUFFIX}?\b"
    rf"(?!\s*(?:{_UNIT}|[/.]\d))(?:,?\s+(?P<y2>\d{{4}})\b)?"
)


def _read_month_date(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    settings = {
        "RELATIVE_BASE": datetime.combine(ctx.today, datetime.min.time()),
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": ctx.date_order,
        "REQUIRE_PARTS": ["day", "month"],
    }
    parsed = dateparser.parse(match.group(0), languages=["en"], settings=settings)
    day = int(match["d1"] or match["d2"])
    if parsed is None or parsed.day != day:
        return _NOT_UNDERSTOOD, "problem"
    if match["y1"] or match["y2"]:
        return _checked(parsed.date(), ctx.today), "point"
    return _recent_day_and_month(day, parsed.month, ctx.today), "point"


# "it'll be 2 weeks on Monday" / "... tomorrow": the anchor is ahead, the treatment not.
_WILL_BE = re.compile(
    r"\b(?:it'll|itll|it will|it'd|it would|will)\s+be\s+(?:(?:exactly|about|around|nearly|"
    r"almost|just|only)\s+)?$"
)
_DURATION_TERM = (
    rf"(?:half\s+(?:a\s+|an\s+)?{_UNIT}|(?<![\w.]){_NUM}\s*\+?\s*(?:and a half\s+)?{_UNIT}s?\b"
    r"(?:\s+and a half\b)?)"
)
_DURATION = re.compile(rf"{_DURATION_TERM}(?:\s*(?:,|and|&|\+)?\s*{_DURATION_TERM})*")
_TERM = re.compile(
    rf"half\s+(?:a\s+|an\s+)?(?P<half_unit>{_UNIT})|(?<![\w.])(?P<number>{_NUM})\s*\+?\s*"
    rf"(?P<half_before>and a half\s+)?(?P<unit>{_UNIT})s?\b(?P<half_after>\s+and a half\b)?"
)
_RANGE_BEFORE = re.compile(rf"(?:\bbetween\s+)?(?<![\w.]){_NUM}\s*(?:-|to|or|and)\s*$")
_LESS = (
    "nearly", "almost", "not quite", "not even", "just under", "under", "less than",
    "fewer than", "a bit less than", "a little less than", "short of", "just short of",
)  # fmt: skip
_MORE = (
    "just over", "a little over", "a bit over", "slightly over", "well over", "over",
    "more than", "a bit more than", "a little more than", "slightly more than", "just gone",
    "gone",
)  # fmt: skip
_HEDGES = (
    "at least", "about", "around", "roughly", "approximately", "approx", "abt", "maybe",
    "probably", "like", "some", "exactly", "only", "just", "perhaps", "possibly", "i think",
    "ish", "say",
)  # fmt: skip
_QUALIFIERS = re.compile(
    r"(?:\b(?:"
    + "|".join(sorted((re.escape(q) for q in (*_LESS, *_MORE, *_HEDGES)), key=len, reverse=True))
    + r")\s+)+$"
)
_LESS_RE = re.compile(r"\b(?:" + "|".join(re.escape(q) for q in _LESS) + r")\b")
_MORE_RE = re.compile(r"\b(?:" + "|".join(re.escape(q) for q in _MORE) + r")\b")
_AFTER_DURATION = re.compile(
    rf"(?P<upper>\s+or\s+(?P<upper_number>{_NUM})\b(?!\s*(?:and a half\s+)?{_UNIT}))?"
    r"(?P<hedge>\s*-?\s*ish\b|\s+or so\b|\s+odd\b|\s+plus\b|\s+or more\b|\s+and a bit\b|"
    r"\s+and a little\b|\s+give or take\b|\s+or thereabouts\b)?"
    r"(?P<direction>\s*'\s*time\b|\s+(?:ago|back|previously|from now|from today|time|"
    r"in the future|hence|later|after|afterwards|before|prior)\b)?"
    rf"(?P<anchor>\s+(?:(?P<relation>on|last|this past|past)\s+)?"
    rf"(?P<day>{_WD}|today|yesterday|tomorrow)\b)?"
)
_FUTURE_DIRECTIONS = ("from now", "from today", "time", "in the future", "hence")
_OFFSET_DIRECTIONS = ("later", "after", "afterwards", "before", "prior")
_ENDS = re.compile(r"[\s.!?]*$")
"""Nothing more in the message: "2 weeks before." said as an answer means "2 weeks ago"."""


def _duration_days(span: str) -> float:
    days = 0.0
    for term in _TERM.finditer(span):
        if term["half_unit"]:
            days += _UNIT_DAYS[term["half_unit"]] / 2
            continue
        amount = _number(term["number"])
        if term["half_before"] or term["half_after"]:
            amount += 0.5
        days += amount * _UNIT_DAYS[term["unit"]]
    return days


def _number(word: str) -> float:
    word = word.strip()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    return float(word.replace(",", "."))


def _find_durations(masked: str, ctx: _Context) -> Iterator[_Found]:
    text, today = ctx.text, ctx.today
    for match in _DURATION.finditer(masked):
        start, end = match.span()
        days = _duration_days(match.group(0))
        before = masked[max(0, start - 40) : start]
        in_range = _RANGE_BEFORE.search(before)
        if in_range:  # "1-2 weeks", "between 10 and 12 days": the upper end
            start -= len(in_range.group(0))
            before = masked[max(0, start - 40) : start]
        after = _AFTER_DURATION.match(masked, end)
        assert after is not None  # every part is optional
        last_unit = _TERM.findall(match.group(0))[-1]
        if after["upper"] and last_unit[3]:  # "a week or two"
            days = _number(after["upper_number"]) * _UNIT_DAYS[last_unit[3]]
        end = after.end()
        qualifiers = _QUALIFIERS.search(before)
        adjust = 0
        if qualifiers:
            start -= len(qualifiers.group(0))
            adjust = -1 if _LESS_RE.search(qualifiers.group(0)) else adjust
            adjust = 1 if _MORE_RE.search(qualifiers.group(0)) else adjust
            before = masked[max(0, start - 40) : start]
        if re.search(r"\b(?:bit|little)\b", after["hedge"] or ""):  # "2 weeks and a bit"
            adjust = 1
        direction = (after["direction"] or "").strip(" '")
        if re.search(r"-\s*$", before) or re.search(r"\bin\s+$", before):
            yield _Found(start, end, _IN_FUTURE, "problem")  # "-3 days", "in 3 days"
            continue
        if direction in _FUTURE_DIRECTIONS:
            yield _Found(start, end, _IN_FUTURE, "problem")
            continue
        whole = _whole_days(days, adjust)
        if direction in ("before", "prior") and _ENDS.match(masked, end):
            direction = "ago"  # "two weeks and one day before", and nothing after it: "ago"
        if direction in _OFFSET_DIRECTIONS:
            shift = -whole if direction in ("before", "prior") else whole
            if after["anchor"]:  # "2 days before last friday"
                base = _duration_anchor(after, today, future_base=False, ago=True)
                assert base is not None  # with ``ago`` every anchor is a day not ahead
                yield _Found(start, end, _checked(base + timedelta(days=shift), today), "ago")
                continue
            yield _Found(start, end, TreatmentDate(), "offset", shift)  # "2 days after my botox"
            continue
        if re.search(r"\b(?:after|within|during|for the first|in the first)\s+$", before):
            yield _Found(start, end, TreatmentDate(), "offset")  # "within 2 days"
            continue
        will_be = _WILL_BE.search(text[max(0, start - 40) : start])
        if after["anchor"]:
            base = _duration_anchor(after, today, future_base=bool(will_be), ago=bool(direction))
            if base is None:
                yield _Found(start, end, _IN_FUTURE, "problem")  # "a week on Monday"
                continue
            yield _Found(start, end, _before(base, whole, today), "ago")
            continue
        weekday_before = re.search(rf"\b({_WD})\s*,?\s*$", before)
        if weekday_before and direction in ("ago", "back"):
            # "Monday 2 weeks ago": that week's Monday.
            week = _monday(today - timedelta(days=whole))
            day = week + timedelta(days=_WEEKDAYS.index(weekday_before[1]))
            start -= len(weekday_before.group(0))
            yield _Found(start, end, _checked(day, today), "ago")
            continue
        kind = "ago" if direction else "duration"
        yield _Found(start, end, _before(today, whole, today), kind)


def _duration_anchor(
    after: re.Match[str], today: date, *, future_base: bool, ago: bool
) -> date | None:
    """The day a duration is counted back from ("a week last Monday"), ``None`` if ahead."""
    day, relation = after["day"], after["relation"]
    if day == "today":
        return today
    if day == "yesterday":
        return today - timedelta(days=1)
    if day == "tomorrow":
        return today + timedelta(days=1) if future_base else None
    weekday = _WEEKDAYS.index(day)
    if future_base:  # "it'll be a week on Monday": the coming Monday
        return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    if ago or relation in ("last", "this past", "past"):
        return _recent_weekday(today, weekday, same_day_is_today=False)
    return None  # "a week on Monday", "a week Monday": British for the Monday after next


_WD_BEFORE_LAST = re.compile(
    rf"\b(?:(?:on\s+)?the\s+)?{_WD}\s+(?:before\s+last|but\s+one)\b|\blast\s+{_WD}\s+but\s+one\b"
)


def _read_weekday_before_last(
    match: re.Match[str], ctx: _Context
) -> tuple[TreatmentDate, str] | None:
    last = _recent_weekday(ctx.today, _weekday_in(match.group(0)), same_day_is_today=False)
    return _checked(last - timedelta(days=7), ctx.today), "point"


_WD_OF_WEEK = re.compile(
    rf"\b(?:on\s+)?(?:the\s+)?{_WD}(?:'s)?\s+(?:of\s+)?(?:(?:the\s+)?week\s+before\s+last|"
    rf"(?:last|the\s+previous|the\s+past)\s+week)\b|\b(?:(?:the\s+)?week\s+before\s+last|"
    rf"last\s+week)\s*,?\s*(?:on\s+)?(?:the\s+)?{_WD}\b"
)


def _read_weekday_of_week(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    """Reads "Monday last week", "last week on Friday", "Tuesday the week before last"."""
    weeks = 2 if "before last" in match.group(0) else 1
    day = _monday(ctx.today) - timedelta(weeks=weeks) + timedelta(days=_weekday_in(match.group(0)))
    return _checked(day, ctx.today), "point"


_WEEKEND = re.compile(
    r"\b(?:(?:the\s+)?weekend\s+before\s+last|(?:last|this\s+past|past|the\s+last)\s+weekend|"
    r"(?:(?:at|over|on|during)\s+)?(?:the|this)\s+weekend)\b"
)


def _read_weekend(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    """A weekend is read as its Saturday, the earlier day."""
    words, today = match.group(0), ctx.today
    if "before last" in words:
        day = _last_saturday(today) - timedelta(days=7)
    elif re.search(r"\b(?:last|past)\b", words) or today.weekday() < 5:
        day = _last_saturday(today)
    else:  # "this weekend" on a Saturday or Sunday
        day = today - timedelta(days=today.weekday() - 5)
    return _checked(day, today), "point"


_PERIOD_PART = re.compile(
    r"\b(?:(?:at|by|around|towards?|in|during)\s+)?(?:the\s+)?"
    r"(?P<part>end|start|beginning|middle|mid|early|late)"
    r"(?:\s*-\s*|\s+of\s+(?:the\s+)?|\s+)"
    rf"(?:(?P<which>last|this|previous|past)\s+)?(?:(?P<period>week|month)\b|(?P<month>{_MONTHS})\b)"
)


def _read_period_part(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    """Reads "end of last month" (its last day), "start of this month", "mid last month"."""
    today, part, which = ctx.today, match["part"], match["which"]
    first, middle = part in ("start", "beginning", "early"), part in ("middle", "mid")
    if match["period"] == "week":
        # Monday, Wednesday or Friday: the end of a week is read as its Friday, the earlier
        # of the days the patient may mean.
        offset = 0 if first else 2 if middle else 4
        this_week = _monday(today) + timedelta(days=offset)
        if which in ("last", "previous", "past"):
            return _checked(this_week - timedelta(days=7), today), "point"
        if which == "this" or this_week <= today:
            return _checked(this_week, today), "point"
        return _checked(this_week - timedelta(days=7), today), "point"
    day = 1 if first else 15 if middle else None  # None: the last day of the month
    if match["month"]:
        month = _MONTH_NUMBERS[match["month"][:3]]
        year = today.year if month <= today.month else today.year - 1
        result = _day_in_month(year, month, day, today)
        if result.problem is DateProblem.IN_FUTURE:  # "end of November" on 24 November
            result = _day_in_month(year - 1, month, day, today)
        return result, "point"
    if which in ("last", "previous", "past"):
        return _day_in_month(*_month_back(today, 1), day, today), "point"
    result = _day_in_month(today.year, today.month, day, today)
    if which is None and result.problem is DateProblem.IN_FUTURE:  # "end of the month"
        result = _day_in_month(*_month_back(today, 1), day, today)
    return result, "point"


_DAY_COUNT = re.compile(
    rf"\bday\s+(?:(?:\d+|{_DAY_NUMBER})\s*(?:-|to|or)\s*)?(?P<number>\d+|{_DAY_NUMBER})\b"
    rf"|\bthe\s+(?P<ordinal>\d{{1,2}}){_ORDINAL_SUFFIX}\s+day\b"
)


def _read_day_count(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    """Reads "it's day 5", "day 2-3" (the later day), "the 5th day": days since treatment."""
    before = ctx.text[max(0, match.start() - 25) : match.start()]
    if re.search(r"\b(?:since|from|by|until|till|around|about|after|on|before)\s+$", before):
        return TreatmentDate(), "offset"  # "since about day 4 I've had double vision"
    return _days_ago(_number(match["number"] or match["ordinal"]), ctx.today), "day_count"


_FIXED = [
    (r"(?:the\s+)?day\s+before\s+yesterday", 2),
    (r"(?:yesterday|last\s+night)(?:\s+(?:morning|afternoon|evening|night))?", 1),
    (r"today|this\s+(?:morning|afternoon|evening)|earlier\s+today|tonight|just\s+now", 0),
    (r"(?:the\s+)?week\s+before\s+last|last\s+week\s+but\s+one", 14),
    (r"last\s+week", 7),
    (r"(?:the\s+)?month\s+before\s+last", 60),
    (r"last\s+month", 30),
]
_FIXED_RE = re.compile(
    r"\b(?:" + "|".join(f"(?P<f{i}>{p})" for i, (p, _) in enumerate(_FIXED)) + r")\b"
)


def _read_fixed(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    index = next(i for i in range(len(_FIXED)) if match[f"f{i}"] is not None)
    return _days_ago(_FIXED[index][1], ctx.today), "point"


_FUTURE = re.compile(
    rf"\b(?:(?:the\s+)?day\s+after\s+tomorrow|tomorrow|(?:next|this\s+coming|coming)\s+"
    rf"(?:week|weekend|month|year|{_WD})|later\s+(?:today|this\s+week|this\s+month)|"
    r"(?:in|within|over)\s+the\s+(?:coming|next)\s+(?:few\s+)?(?:days|weeks))\b"
)


def _read_future(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    return _IN_FUTURE, "problem"


_WEEKDAY = re.compile(
    rf"\b(?:(?P<relation>last|this\s+past|past|this|on|since|from)\s+)?{_WD}"
    r"(?:'s)?(?:\s+(?:morning|afternoon|evening|night|just\s+gone))?\b"
)


def _read_weekday(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    """The most recent such day; said on that day, today, unless "last Friday"."""
    relation = (match["relation"] or "").split()
    same_day_is_today = not ({"last", "past"} & set(relation)) and "gone" not in match.group(0)
    day = _recent_weekday(
        ctx.today, _weekday_in(match.group(0)), same_day_is_today=same_day_is_today
    )
    return _checked(day, ctx.today), "point"


_ORDINAL = re.compile(
    r"(?:\b(?P<lead>on the|on|the)\s+)?(?<![\w/.])(?P<day>\d{1,3})\s?"
    rf"{_ORDINAL_SUFFIX}\b(?:\s+of\s+(?P<which>the\s+|this\s+|last\s+|the\s+last\s+|"
    r"the\s+previous\s+)?month\b)?"
)
_ORDINAL_NOUN = re.compile(
    r"\s+(?:time|times|one|session|round|dose|lot|injection|treatment|appointment|go|try|"
    r"attempt|day|week|month|year|floor|birthday|anniversary|child|baby|botox|jab|visit)\b"
)


def _read_ordinal(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    """Reads "on the 3rd", "the 21st", "3rd": the most recent such day of the month."""
    if _ORDINAL_NOUN.match(ctx.text, match.end()):
        return None  # "the 3rd time", "my 2nd session"
    alone = not re.sub(r"[#\s.,!?]", "", ctx.text.replace(match.group(0), "", 1))
    clause_ends = re.match(r"\s*(?:$|[,.!?;#]|(?:and|but|so|when|i|we)\b)", ctx.text[match.end() :])
    if not (match["lead"] or alone or clause_ends):
        return None
    day, which, today = int(match["day"]), (match["which"] or "").strip(), ctx.today
    if not 1 <= day <= 31:
        return _NOT_UNDERSTOOD, "problem"
    if which == "this":
        return _day_in_month(today.year, today.month, day, today), "point"
    if which in ("last", "the last", "the previous"):
        return _day_in_month(*_month_back(today, 1), day, today), "point"
    return _recent_day_of_month(day, today), "point"


# "the day after", "the week before": one day or week from another date.
_DAY_OFFSET = re.compile(
    r"\b(?:the\s+)?(?P<unit>day|night|morning|evening|week)\s+(?P<direction>after|before)\b"
)


def _read_day_offset(match: re.Match[str], ctx: _Context) -> _Reading | None:
    days = 7 if match["unit"] == "week" else 1
    return TreatmentDate(), "offset", days if match["direction"] == "after" else -days


# "1999", "in 2020", "March 2020": a year, or a month of one, with no day.
_YEAR = re.compile(
    rf"(?<![\w/.£$€-])(?:(?P<month>{_MONTHS})\s+(?:of\s+)?)?(?P<year>(?:19|20)\d\d)\b"
    r"(?![/.-]\d|\s*(?:units?|pounds?|quid|dollars?|euros?|mg|ml|%))"
)


def _read_year(match: re.Match[str], ctx: _Context) -> tuple[TreatmentDate, str] | None:
    """A year or month with no day: too long ago or ahead as a whole, else not a date."""
    year, today = int(match["year"]), ctx.today
    first, last = date(year, 1, 1), date(year, 12, 31)
    if match["month"]:
        month = _MONTH_NUMBERS[match["month"][:3]]
        first, last = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if first > today:
        return _IN_FUTURE, "problem"
    if (today - last).days > MAX_DAYS_AGO:
        return TreatmentDate(problem=DateProblem.TOO_LONG_AGO), "problem"
    return _NOT_UNDERSTOOD, "problem"  # "2026", "November 2026": which day is not said


# Most specific first: each reader claims its words before the next one reads.
_READERS: list[tuple[re.Pattern[str], _Reader]] = [
    (_TODAY_IS, _read_today_is),
    (_VAGUE_DAY, _read_vague_day),
    (_ISO_DATE, _read_iso),
    (_NUMERIC_DATE, _read_numeric),
    (_MONTH_DATE, _read_month_date),
    (_WD_BEFORE_LAST, _read_weekday_before_last),
    (_WD_OF_WEEK, _read_weekday_of_week),
    (_WEEKEND, _read_weekend),
    (_PERIOD_PART, _read_period_part),
]
_LATER_READERS: list[tuple[re.Pattern[str], _Reader]] = [
    (_DAY_COUNT, _read_day_count),
    (_ORDINAL, _read_ordinal),
    (_FUTURE, _read_future),
    (_FIXED_RE, _read_fixed),
    (_WEEKDAY, _read_weekday),
    (_DAY_OFFSET, _read_day_offset),
    (_YEAR, _read_year),
]


def _find(text: str, today: date, date_order: str) -> list[_Found]:
    """Every time phrase in ``text``, each read once, most specific reading first."""
    masked = text
    found: list[_Found] = []

    def claim(spans: list[_Found]) -> None:
        nonlocal masked
        pieces, done = [], 0
        for item in sorted(spans, key=lambda item: item.start):
            start = max(item.start, done)
            pieces += [masked[done:start], "#" * max(item.end - start, 0)]
            done = max(done, item.end)
        masked = "".join([*pieces, masked[done:]])
        found.extend(item for item in spans if item.kind != "ignored")

    def run(readers: list[tuple[re.Pattern[str], _Reader]]) -> None:
        for pattern, reader in readers:
            ctx = _Context(masked, today, date_order)
            spans = []
            for match in pattern.finditer(masked):
                read = reader(match, ctx)
                if read is not None:
                    spans.append(_Found(match.start(), match.end(), *read))
            claim(spans)

    run(_READERS)
    claim(list(_find_durations(masked, _Context(text, today, date_order))))
    run(_LATER_READERS)
    return _counted_from_other_dates(text, today, found)


_OFFSET_REACH_WORDS = 8
"""How many words may stand between "2 days before" and the date it is counted from."""


def _counted_from_other_dates(text: str, today: date, found: list[_Found]) -> list[_Found]:
    """Reads a time counted from another date as one date.

    "The day after my birthday, which was 18 November" is the 19th, "2 weeks before the
    20th" the 6th. Only when the words between them do not name the treatment: in "2 days
    after my botox 10 days ago" the 10 days are the treatment's, and the 2 days a symptom's.
    """
    found = sorted(found, key=lambda item: item.start)
    for index, offset in enumerate(found):
        if offset.shift is None or index + 1 == len(found):
            continue
        other = found[index + 1]
        between = text[offset.end : other.start]
        if (
            other.result.treated_on is None
            or other.kind not in ("point", "ago")
            or len(between.split()) > _OFFSET_REACH_WORDS
            or _SENTENCE_BREAK.search(between)
            or _ANCHOR.search(between)
            or _ONSET.search(between)
        ):
            continue
        day = _checked(other.result.treated_on + timedelta(days=offset.shift), today)
        found[index : index + 2] = [_Found(offset.start, other.end, day, "point")]
        return _counted_from_other_dates(text, today, found)
    return found


# --- Which phrases are about the treatment ----------------------------------------------

# A date's clause, not the screen's (aftercare/text.py): it also ends at "so", "then", "now".
_CLAUSE_BREAK = re.compile(
    r"[.!?;:\n]|,\s|\s-\s|\b(?:and|but|so|because|cos|though|although|then|while|whereas|"
    r"which|now)\b(?!\s+a\s+half)"
)
_ANCHOR = re.compile(
    r"\b(?:botox|botulinum|dysport|azzalure|bocouture|xeomin|treatments?|injections?|"
    r"injected|jabs?|procedure|appointment|top[- ]?up|(?:had|got|have|get|getting|having)\s+"
    r"(?:it|them)\s+done|done\s+on)\b"
)
_OTHER_APPOINTMENT = re.compile(
    r"\b(?:follow[- ]?up|review|next|another|gp|doctor'?s?|dentist|eye|optician|hospital|"
    r"hair|nail)\s+(?:\w+\s+)?$"
)
_ONSET = re.compile(
    r"\b(?:start(?:ed|ing|s)?|began|begun|begin|noticed|notice|appeared|came on|kicked in|"
    r"developed|woke up|happen(?:ed|ing)|been like this|got worse|first felt)\b"
)
_OTHER_EVENT = re.compile(
    r"\b(?:wedding|birthday|party|holiday|vacation|flight|interview|exam|period|review|"
    r"follow[- ]?up|check[- ]?up|next|gp|doctor|dentist|optician|hospital|a&e|surgery|"
    r"operation|filler|fillers|facial|peel|flu|covid|vaccine|booster)\b"
)
_NEGATED = re.compile(
    r"(?:\bnot|n't|\bnever)\s+(?:(?:on|the|last|this|that|since|from)\s+)?(?:#+\s*)?$"
)
_FREQUENCY = re.compile(r"\b(?:every|each|per|once|twice|times)\s+$")
_FUTURE_TENSE = re.compile(
    r"\b(?:will|shall|gonna|going to|booked|due)\b|\b(?:is|are)\s+(?:(?:on|this|at|in|for|the|"
    r"booked)\s+)*$|'ll\b"
)


def _clause_before(text: str, start: int) -> str:
    """The words before ``start`` in its clause (at most 80 characters)."""
    window = text[max(0, start - 80) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


def _last_position(pattern: re.Pattern[str], text: str) -> int:
    matches = list(pattern.finditer(text))
    return matches[-1].start() if matches else -1


def _about_the_treatment(text: str, item: _Found) -> bool:
    """Whether a phrase can be when the treatment was (by the words around it)."""
    if item.kind in ("offset", "ignored"):
        return False
    clause = _clause_before(text, item.start)
    anchor = _last_position(_ANCHOR, clause)
    if _last_position(_ONSET, clause) > anchor:
        return False  # "it started 2 days ago": when a symptom began
    if _last_position(_OTHER_EVENT, clause) > anchor:
        return False  # "my wedding is on the 30th"
    since_anchor = clause[anchor + 1 :] if anchor >= 0 else clause
    if item.kind == "point" and _FUTURE_TENSE.search(since_anchor):
        return False  # "my appointment is on Friday"
    before = text[max(0, item.start - 30) : item.start]
    return not (_NEGATED.search(before) or _FREQUENCY.search(before))


# --- Answers ----------------------------------------------------------------------------

_DONT_KNOW = re.compile(
    r"\b(?:don't|dont|do not|can't|cant|cannot|couldn't|couldnt) (?:remember|recall|know|say)|"
    r"not sure|no idea|no clue|forgot|forget|unsure|dunno|idk\b|not certain"
)


def parse_treatment_date(text: str, today: date, date_order: str = "DMY") -> TreatmentDate:
    """Read the treatment date from a patient's answer to "When did you have your Botox?".

    Args:
        text: the message, e.g. "had it done 5 days ago", "the Monday before last" or "on
            the 3rd, today's the 21st".
        today: the date the patient is writing on.
        date_order: how to read "10/11/2026" ("DMY" in the UK, "MDY" in the US).

    Returns:
        The treatment date, or the problem with what was said: not understood ("the 45th",
        "yesterday-ish??"), "I don't know", a date in the future ("tomorrow", "in 3 days",
        "a week on Monday") or further back than a year. Where the answer gives more than
        one date ("1-2 weeks", "Monday or Tuesday") the earliest is taken.
    """
    cleaned = _normalise(text)
    if not cleaned:
        return _NOT_UNDERSTOOD
    if len(cleaned) > DATE_ANSWER_CHARACTERS:
        found = treatment_date_in_report(text, today, date_order)
        return TreatmentDate(treated_on=found) if found else _NOT_UNDERSTOOD
    button = _BUTTONS.get(cleaned.rstrip(" .!"))
    if button is not None:
        return _days_ago(button, today)
    against = _against_stated_today(
        cleaned,
        today,
        date_order,
        lambda t, d: parse_treatment_date(t, d, date_order),
        lambda result: result.treated_on,
    )
    if against is not None:
        result, shift = against
        if result.treated_on is None:
            return result
        return TreatmentDate(treated_on=result.treated_on + timedelta(days=shift))
    kept = [
        item for item in _find(cleaned, today, date_order) if _about_the_treatment(cleaned, item)
    ]
    dates = [item.result.treated_on for item in kept if item.result.treated_on is not None]
    if dates:
        return TreatmentDate(treated_on=min(dates))
    problems = {item.result.problem for item in kept}
    for problem in (DateProblem.IN_FUTURE, DateProblem.TOO_LONG_AGO):
        if problem in problems:
            return TreatmentDate(problem=problem)
    if _DONT_KNOW.search(cleaned):
        return TreatmentDate(problem=DateProblem.DONT_KNOW)
    return _NOT_UNDERSTOOD


# --- Reports ----------------------------------------------------------------------------

# How a time phrase before a mention of the treatment is tied to it.
_SINCE_LINK = re.compile(
    r"\s*(?:now\s+)?(?:since|post|out\s+from)\s+(?:(?:i|we|had|got|having|getting|my|the|"
    r"last|first|this)\s+)*"
)
_DID_LINK = re.compile(
    r"\s*,?\s*(?:(?:when|that)\s+)?(?:(?:was|were)\s+(?:(?:my|the|when\s+i\s+had)\s+)*|"
    r"(?:i|we)\s+(?:(?:had|got|went\s+for|went\s+in\s+for|did|have\s+had)\s+)?"
    r"(?:(?:my|the|some|a|it|them|her|his)\s+)?)?"
)
_POSSESSIVE_LINK = re.compile(r"(?:'s)?\s*")
_DAY_COUNT_LINK = re.compile(r"\s*(?:post|after|since|of|from)\s+(?:my\s+|the\s+)?")
_DAY_COUNT_NOW = re.compile(
    r"\b(?:it's|its|it is|today is|today's|i'm on|im on|i am on|now on)\s+$"
)
_AFTER_LINK_MAX_WORDS = 6


def _linked_before(text: str, item: _Found, anchor: re.Match[str]) -> bool:
    between = text[item.end : anchor.start()]
    if item.kind == "duration":
        return _SINCE_LINK.fullmatch(between) is not None  # "10 days since my botox"
    if item.kind == "day_count":
        return _DAY_COUNT_LINK.fullmatch(between) is not None  # "day 5 post botox"
    if item.kind in ("ago", "point"):
        # "4 days ago I had botox", "friday's botox", "yesterday was my botox"
        return (
            _DID_LINK.fullmatch(between) is not None
            or _POSSESSIVE_LINK.fullmatch(between) is not None
            or _SINCE_LINK.fullmatch(between) is not None
        )
    return False


_IT_WAS = re.compile(r"\b(?:it|that|this|they|which)\s+(?:was|were)\s+(?:done\s+)?$")
_SENTENCE_BREAK = re.compile(r"[.!?;\n]")  # text.SENTENCE_MARKS and ";": one date per statement


def _linked_after(text: str, item: _Found, anchor: re.Match[str]) -> bool:
    between = text[anchor.end() : item.start]
    if _CLAUSE_BREAK.search(between) or len(between.split()) > _AFTER_LINK_MAX_WORDS:
        # "Bruising from my Botox hasn't faded, it was 3 weeks ago": in the same sentence,
        # with nothing in between about a symptom starting or another event.
        return (
            item.kind in ("ago", "point")
            and _IT_WAS.search(between) is not None
            and not _SENTENCE_BREAK.search(between)
            and not _ONSET.search(between)
            and not _OTHER_EVENT.search(between)
            and not _ANCHOR.search(between)
            and not re.match(r"\s*(?:that|when)\b", text[item.end :])
        )
    if re.match(r"(?:since|for|until|till)\b", text[item.start : item.end]):
        return False  # "the injections since Tuesday": how long, not when
    if item.kind == "day_count":
        return _DAY_COUNT_NOW.search(between) is not None
    if _ONSET.search(between) or _OTHER_EVENT.search(between) or _FUTURE_TENSE.search(between):
        return False
    return item.kind in ("ago", "point")  # "botox 5 days ago", "botox on the 3rd"


def _treatment_mentions(text: str) -> list[re.Match[str]]:
    anchors = []
    for match in _ANCHOR.finditer(text):
        if match.group(0) == "appointment" and _OTHER_APPOINTMENT.search(
            text[max(0, match.start() - 30) : match.start()]
        ):
            continue  # "my follow-up appointment"
        anchors.append(match)
        if len(anchors) >= MAX_ANCHORS:
            break
    return anchors


def _windows(anchors: list[re.Match[str]], length: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for anchor in anchors:
        start = max(0, anchor.start() - _WINDOW_CHARS)
        end = min(length, anchor.end() + _WINDOW_CHARS)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def treatment_date_in_report(text: str, today: date, date_order: str = "DMY") -> date | None:
    """The treatment date in a message that reports symptoms, only where it is unambiguous.

    Only a time phrase tied to a mention of the treatment counts: "had Botox 5 days ago",
    "it's been 10 days since my botox", "friday's botox", "2 days after my botox 10 days
    ago" (10 days). "My eye has twitched for 2 days", "it started 2 days ago" (when a
    symptom began, later than the treatment) and "my wedding is on the 30th" do not, and
    neither do two mentions that disagree: the form then asks. Only the text around the
    mentions of the treatment is read, so a long story costs little more than a short one.
    """
    cleaned = _normalise(head_and_tail(text, DATE_REPORT_HEAD, DATE_REPORT_TAIL))
    against = _against_stated_today(
        cleaned,
        today,
        date_order,
        lambda t, d: treatment_date_in_report(t, d, date_order),
        lambda found: found,
    )
    if against is not None:
        found, shift = against
        return found + timedelta(days=shift) if found else None
    anchors = _treatment_mentions(cleaned)
    dates: set[date] = set()
    for start, end in _windows(anchors, len(cleaned)):
        if start > 0:  # start on a word, not half-way through one
            space = cleaned.find(" ", start)
            start = space + 1 if 0 <= space < end else start
        window = cleaned[start:end]
        local = _treatment_mentions(window)
        for item in _find(window, today, date_order):
            if item.result.treated_on is None or not _about_the_treatment(window, item):
                continue
            if any(
                (a.end() <= item.start and _linked_after(window, item, a))
                or (item.end <= a.start() and _linked_before(window, item, a))
                for a in local
            ):
                dates.add(item.result.treated_on)
    return dates.pop() if len(dates) == 1 else None
