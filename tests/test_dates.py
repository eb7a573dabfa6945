"""Reading the treatment date from what the patient says (actions/dates.py)."""

from __future__ import annotations

from datetime import date

import pytest

from actions.dates import DateProblem, parse_treatment_date, treatment_date_in_report

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("5 days ago", 5),
        ("five days ago", 5),
        ("about 10 days ago", 10),
        ("yesterday", 1),
        ("the day before yesterday", 2),
        ("today", 0),
        ("this morning", 0),
        ("a week ago", 7),
        ("last week", 7),
        ("2 weeks ago", 14),
        ("two weeks", 14),
        ("a fortnight ago", 14),
        ("two and a half weeks", 18),  # 17.5 days: halves round up, the safe side of day 14
        ("2.5 weeks ago", 18),
        ("half a week ago", 4),
        ("3 weeks ago", 21),
        ("a month ago", 30),
        ("a couple of days ago", 2),
        ("last Monday", 1),
        ("on Sunday", 2),
        ("last Tuesday", 7),
        ("13 days ago", 13),
        ("14 days ago", 14),
        ("15 days ago", 15),
        ("I had it done 4 days ago", 4),
        ("it's been 15 days", 15),
        # The widget's quick replies, and ranges: the upper end, the safe side of day 14.
        ("Less than a week ago", 7),
        ("1-2 weeks ago", 14),
        ("1 to 2 weeks ago", 14),
        ("between 10 and 12 days ago", 12),
        ("5–7 days ago", 7),
        ("two or three days ago", 3),
        ("More than 2 weeks ago", 14),
        # Counting the days since the treatment.
        ("it's day 5", 5),
        ("day five", 5),
        ("day 2-3", 3),
        ("today is day 14", 14),
    ],
)
def test_relative_phrasings(text: str, days: int) -> None:
    assert parse_treatment_date(text, TODAY).days_before(TODAY) == days


@pytest.mark.parametrize(
    ("text", "day", "order"),
    [
        ("10/11/2026", date(2026, 11, 10), "DMY"),
        ("11/10/2026", date(2026, 11, 10), "MDY"),
        ("10 November", date(2026, 11, 10), "DMY"),
        ("November 3rd", date(2026, 11, 3), "DMY"),
        ("on the 3rd of November", date(2026, 11, 3), "DMY"),
        ("2026-11-10", date(2026, 11, 10), "DMY"),
        ("I had it on 2026-11-10", date(2026, 11, 10), "MDY"),
    ],
)
def test_calendar_dates(text: str, day: date, order: str) -> None:
    assert parse_treatment_date(text, TODAY, order).treated_on == day


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("tomorrow", DateProblem.IN_FUTURE),
        ("-3 days", DateProblem.IN_FUTURE),
        ("in 3 days", DateProblem.IN_FUTURE),
        ("next week", DateProblem.IN_FUTURE),
        ("3 days from now", DateProblem.IN_FUTURE),
        ("25/12/2026", DateProblem.IN_FUTURE),
        ("400 days ago", DateProblem.TOO_LONG_AGO),
        ("3 March 2020", DateProblem.TOO_LONG_AGO),
        ("I don't remember", DateProblem.DONT_KNOW),
        ("not sure", DateProblem.DONT_KNOW),
        ("no idea", DateProblem.DONT_KNOW),
        ("", DateProblem.NOT_UNDERSTOOD),
        ("   ", DateProblem.NOT_UNDERSTOOD),
        ("asdfgh", DateProblem.NOT_UNDERSTOOD),
        ("🙂🙂", DateProblem.NOT_UNDERSTOOD),
        ("31/02/2026", DateProblem.NOT_UNDERSTOOD),
        ("2026-02-31", DateProblem.NOT_UNDERSTOOD),
        ("hace cinco días", DateProblem.NOT_UNDERSTOOD),
        ("x" * 10_000, DateProblem.NOT_UNDERSTOOD),
    ],
)
def test_nonsense_dates_say_what_is_wrong(text: str, problem: DateProblem) -> None:
    result = parse_treatment_date(text, TODAY)
    assert (result.treated_on, result.problem) == (None, problem)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("had botox 5 days ago and my eye twitches", date(2026, 11, 19)),
        ("it's been 10 days since my botox and it still twitches", date(2026, 11, 14)),
        ("my botox was last monday", date(2026, 11, 23)),
        ("I had my injections on the 3rd of November, now my eye is droopy", date(2026, 11, 3)),
        # How long a symptom has lasted is not when the treatment was: the form asks.
        ("my eye has twitched for 2 days", None),
        ("twitching 2 days after my botox", None),
        ("had botox, eye twitching", None),
        ("my vision is blurry", None),
    ],
)
def test_a_date_in_a_report_is_taken_only_when_it_is_the_treatment_date(
    text: str, day: date | None
) -> None:
    assert treatment_date_in_report(text, TODAY) == day
