"""The clinic's opening hours (aftercare/clinic.py): read from configuration, and whether the
phone is answered at a given time, on the boundaries."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from aftercare import clinic
from tests.support.pinned import TEST_CLINIC

LONDON = ZoneInfo("Europe/London")
WEEKDAYS = "monday to friday 09:00-18:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (WEEKDAYS, {day: [(time(9), time(18))] for day in range(5)}),
        ("Mon-Fri 9:00-18:00", {day: [(time(9), time(18))] for day in range(5)}),
        ("saturday 10:00-13:00, 14:00-16:00", {5: [(time(10), time(13)), (time(14), time(16))]}),
        (
            "friday to monday 08:00-12:00",
            {
                4: [(time(8), time(12))],
                5: [(time(8), time(12))],
                6: [(time(8), time(12))],
                0: [(time(8), time(12))],
            },
        ),
        ("sun 00:00-24:00", {6: [(time(0), time.max)]}),
        ("closed", {}),
        ("Mon–Fri 9am–6pm", {day: [(time(9), time(18))] for day in range(5)}),
        ("tues to thurs 9.30am-5:30pm", {day: [(time(9, 30), time(17, 30))] for day in (1, 2, 3)}),
        (
            "weekdays 09:00-18:00; saturday closed",
            {**{d: [(time(9), time(18))] for d in range(5)}, 5: []},
        ),
        ("monday to friday: 09:00-18:00", {day: [(time(9), time(18))] for day in range(5)}),
        ("daily 12pm-1pm", {day: [(time(12), time(13))] for day in range(7)}),
        (
            "monday 09:00-12:00; ; tuesday 09:00-12:00",
            {0: [(time(9), time(12))], 1: [(time(9), time(12))]},
        ),
    ],
)
def test_opening_hours_are_read(text: str, expected: dict[int, list[tuple[time, time]]]) -> None:
    assert clinic.parse_opening_hours(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "funday 09:00-18:00",
        "monday 9-6",
        "monday 18:00-09:00",
        "monday 09:00-25:00",
        "monday 09:60-10:00",
        "monday",
        "09:00-18:00",
        "",
        "monday 13pm-2pm",
        "weekdays to friday 09:00-18:00",
    ],
)
def test_opening_hours_that_cannot_work_stop_the_start(text: str) -> None:
    with pytest.raises(ValueError, match="opening hours"):
        clinic.from_mapping({**_values(), "opening_hours": text}, environ={})


def _values() -> dict[str, str]:
    return {
        "name": "Test Clinic",
        "phone": "+44 20 7946 0123",
        "booking_link": "https://clinic.test/book",
        "hours": "9 to 6",
        "emergency_number": "999",
    }


def test_the_file_may_list_days_as_a_mapping_and_the_environment_wins() -> None:
    from_file = clinic.from_mapping(
        {
            **_values(),
            "opening_hours": {
                "monday to friday": ["09:00-13:00", "14:00-18:00"],
                "saturday": "closed",
            },
        },
        environ={},
    )
    assert from_file.opening_hours == ("monday to friday 09:00-13:00, 14:00-18:00; saturday closed")
    assert clinic.parse_opening_hours(from_file.opening_hours)[0] == [
        (time(9), time(13)),
        (time(14), time(18)),
    ]
    from_env = clinic.from_mapping(
        {**_values(), "opening_hours": {"monday": "09:00-18:00"}},
        environ={"CLINIC_OPENING_HOURS": "saturday 10:00-12:00"},
    )
    assert from_env.opening_hours == "saturday 10:00-12:00"


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (datetime(2026, 11, 23, 8, 59, tzinfo=LONDON), False),  # Monday, before opening
        (datetime(2026, 11, 23, 9, 0, tzinfo=LONDON), True),
        (datetime(2026, 11, 23, 17, 59, tzinfo=LONDON), True),
        (datetime(2026, 11, 23, 18, 0, tzinfo=LONDON), False),  # closing time
        (datetime(2026, 11, 27, 12, 0, tzinfo=LONDON), True),  # Friday
        (datetime(2026, 11, 28, 12, 0, tzinfo=LONDON), False),  # Saturday
        (datetime(2026, 12, 6, 21, 30, tzinfo=LONDON), False),  # Sunday night
        # Another time zone is read at the clinic: 09:30 in New York is 14:30 in London.
        (datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("America/New_York")), True),
        (datetime(2026, 11, 23, 13, 30, tzinfo=ZoneInfo("America/New_York")), False),
        # Summer time: 08:30 UTC is 09:30 in London in June.
        (datetime(2026, 6, 1, 8, 30, tzinfo=ZoneInfo("UTC")), True),
    ],
)
def test_whether_the_clinic_is_open(moment: datetime, is_open: bool) -> None:
    weekdays = clinic.Clinic(**{**TEST_CLINIC.__dict__, "opening_hours": WEEKDAYS})
    assert weekdays.is_open(moment) is is_open


def test_a_closed_clinic_is_never_open() -> None:
    closed = clinic.Clinic(**{**TEST_CLINIC.__dict__, "opening_hours": "closed"})
    assert not closed.is_open(datetime(2026, 11, 23, 12, 0, tzinfo=LONDON))


@pytest.mark.parametrize(
    ("zone", "moment", "expected"),
    [
        # London in winter is UTC; in summer, an hour ahead; a naive time is UTC.
        ("Europe/London", datetime(2026, 12, 7, 1, 9, tzinfo=UTC), "07 Dec 2026 01:09 GMT"),
        ("Europe/London", datetime(2026, 7, 7, 23, 30, tzinfo=UTC), "08 Jul 2026 00:30 BST"),
        ("Europe/London", datetime(2026, 3, 29, 0, 59), "29 Mar 2026 00:59 GMT"),
        ("Europe/London", datetime(2026, 3, 29, 1, 0), "29 Mar 2026 02:00 BST"),
        ("America/New_York", datetime(2026, 12, 7, 1, 9, tzinfo=UTC), "06 Dec 2026 20:09 EST"),
    ],
)
def test_the_staff_read_times_in_the_clinics_zone(
    zone: str, moment: datetime, expected: str
) -> None:
    details = clinic.Clinic(**{**TEST_CLINIC.__dict__, "timezone": zone})
    assert details.local_time(moment) == expected
