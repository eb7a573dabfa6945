"""The clinic's workflow in the store (handover/store.py), on SQLite and PostgreSQL.

Statuses, assignment, notes and undo (each change kept in ``referral_changes``); the list's
filters, search and paging (``find``); the counts; the week at a glance (``weekly``); the
erasure of a referral's changes with it; the CSV's new columns; the words for reason codes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from aftercare.symptoms import Symptom
from handover import reasons
from handover.contact import national_phone
from handover.store import (
    MAX_ASSIGNEE,
    MAX_NOTE,
    MAX_PAGE,
    MAX_QUERY,
    MAX_WEEKS,
    OPEN_STATUSES,
    STATUSES,
    Filters,
    Handover,
    referral_changes,
    to_csv,
)
from tests.support.pinned import NOW
from tests.support.stores import refer, stored_conversation

LATER = NOW + timedelta(minutes=5)
ZONE = "Europe/London"


def state(store: Handover, referral_id: int) -> tuple[str, str | None, str | None, list[str]]:
    """A referral's status, who handled it, its assignee and its notes' words."""
    referral = store.referral(referral_id)
    assert referral is not None
    notes = [n.new_value or "" for n in store.notes([referral_id]).get(referral_id, [])]
    return referral.status, referral.handled_by, referral.assigned_to, notes


def changes_kept(store: Handover, referral_id: int) -> int:
    with store.engine.connect() as connection:
        return int(
            connection.execute(
                sa.select(sa.func.count())
                .select_from(referral_changes)
                .where(referral_changes.c.referral_id == referral_id)
            ).scalar()
            or 0
        )


# --- Status --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
def test_a_status_is_set_recorded_and_closed_means_handled(store: Handover, status: str) -> None:
    referral_id = refer(store, "anna")
    change = store.set_status(referral_id, status, by="Nurse Joy", now=NOW)
    if status == "new":  # already so: nothing changes, nothing to undo
        assert change is None and store.changes(referral_id) == []
        return
    assert change is not None
    assert (change.kind, change.old_value, change.new_value, change.by) == (
        "status", "new", status, "Nurse Joy",
    )  # fmt: skip
    assert change.detail == f"status: {status}"
    referral = store.referral(referral_id)
    assert referral is not None and referral.status == status
    closed = status == "closed"
    assert (referral.handled_at == NOW, referral.handled_by == "Nurse Joy") == (closed, closed)
    assert store.changes(referral_id) == [change]
    assert [r.id for r in store.referrals()] == ([] if closed else [referral_id])


def test_leaving_closed_clears_handled_and_mark_handled_is_closing(store: Handover) -> None:
    referral_id = refer(store, "anna")
    assert store.mark_handled(referral_id, by="Nurse Joy", now=NOW)
    assert not store.mark_handled(referral_id, by="Nurse Ada", now=LATER)  # closed already
    assert state(store, referral_id)[:2] == ("closed", "Nurse Joy")
    assert store.set_status(referral_id, "called", by="Nurse Ada", now=LATER) is not None
    referral = store.referral(referral_id)
    assert referral is not None and (referral.handled_at, referral.handled_by) == (None, None)
    assert [c.new_value for c in store.changes(referral_id)] == ["closed", "called"]


@pytest.mark.parametrize("status", ["", "done", "Closed", "closed ", "<img src=x>", "x" * 5000])
def test_an_unknown_status_is_refused_with_the_ones_there_are(store: Handover, status: str) -> None:
    referral_id = refer(store, "anna")
    with pytest.raises(ValueError, match="new, called, booked, no answer, closed") as error:
        store.set_status(referral_id, status, by="Nurse Joy", now=NOW)
    assert len(str(error.value)) < 200  # a huge value is not repeated whole
    assert state(store, referral_id)[0] == "new" and store.changes(referral_id) == []


@pytest.mark.parametrize("number", [0, -1, 2**31, 2**63, 424242])
def test_a_number_no_referral_has_changes_nothing(store: Handover, number: int) -> None:
    refer(store, "anna")
    assert store.set_status(number, "called", by="Nurse Joy", now=NOW) is None
    assert store.assign(number, "Nurse Joy", by="Nurse Joy", now=NOW) is None
    assert store.add_note(number, "called twice", by="Nurse Joy", now=NOW) is None
    assert store.undo(number, by="Nurse Joy", now=NOW) is None
    assert store.changes(number) == []


# --- Assignment and notes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("to", "assigned"),
    [
        ("Nurse Ada", "Nurse Ada"),
        ("  Nurse   Ada ", "Nurse Ada"),
        ("Zoë O'Brien-Łukasz", "Zoë O'Brien-Łukasz"),
        ("a" * MAX_ASSIGNEE, "a" * MAX_ASSIGNEE),
        ("Ada\x00", "Ada"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_assigning_keeps_the_name_tidied(
    store: Handover, to: str | None, assigned: str | None
) -> None:
    referral_id = refer(store, "anna")
    change = store.assign(referral_id, to, by="Nurse Joy", now=NOW)
    assert state(store, referral_id)[2] == assigned
    if assigned is None:  # nobody, as before: nothing changed
        assert change is None
    else:
        assert change is not None and change.detail == f"assigned: {assigned}"
        assert store.assign(referral_id, to, by="Nurse Joy", now=NOW) is None  # the same


def test_a_name_too_long_to_assign_is_refused_with_the_limit(store: Handover) -> None:
    referral_id = refer(store, "anna")
    with pytest.raises(ValueError, match=f"at most {MAX_ASSIGNEE} characters"):
        store.assign(referral_id, "a" * (MAX_ASSIGNEE + 1), by="Nurse Joy", now=NOW)
    assert state(store, referral_id)[2] is None


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Called, no answer; try after 4", "Called, no answer; try after 4"),
        ("  two lines\nof note  ", "two lines\nof note"),
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("'; DROP TABLE referrals; --", "'; DROP TABLE referrals; --"),
        ("Zoë 👍\x00", "Zoë 👍"),
        ("x" * MAX_NOTE, "x" * MAX_NOTE),
    ],
)
def test_a_note_is_kept_as_written(store: Handover, text: str, kept: str) -> None:
    referral_id = refer(store, "anna")
    change = store.add_note(referral_id, text, by="Nurse Joy", now=NOW)
    assert change is not None and change.detail == "note added"  # never the note's words
    assert state(store, referral_id)[3] == [kept]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "cannot be empty"),
        (" \n\t ", "cannot be empty"),
        ("x" * (MAX_NOTE + 1), f"at most {MAX_NOTE} characters \\(this one has {MAX_NOTE + 1}\\)"),
        ("x" * 1_000_000, f"at most {MAX_NOTE} characters"),
    ],
)
def test_an_empty_or_huge_note_is_refused_with_the_limit(
    store: Handover, text: str, message: str
) -> None:
    referral_id = refer(store, "anna")
    with pytest.raises(ValueError, match=message):
        store.add_note(referral_id, text, by="Nurse Joy", now=NOW)
    assert store.changes(referral_id) == []


# --- Undo ----------------------------------------------------------------------------------

Step = Callable[[Handover, int], object]


def status(value: str, by: str = "Nurse Joy") -> Step:
    return lambda store, rid: store.set_status(rid, value, by=by, now=NOW)


def assigned(value: str) -> Step:
    return lambda store, rid: store.assign(rid, value, by="Nurse Joy", now=NOW)


def note(value: str) -> Step:
    return lambda store, rid: store.add_note(rid, value, by="Nurse Joy", now=NOW)


@pytest.mark.parametrize(
    ("steps", "undos", "after"),
    [
        ([status("called"), status("booked")], 1, ("called", None, None, [])),
        ([status("called"), status("booked")], 2, ("new", None, None, [])),
        ([status("called"), status("booked")], 3, ("new", None, None, [])),  # nothing left
        ([status("closed")], 1, ("new", None, None, [])),
        # Reopened, then undone: closed again, by whom it was closed (not by who undid it).
        ([status("closed", "Nurse Ada"), status("called")], 1, ("closed", "Nurse Ada", None, [])),
        ([assigned("Nurse Ada"), assigned("Nurse Bo")], 1, ("new", None, "Nurse Ada", [])),
        ([assigned("Nurse Ada")], 1, ("new", None, None, [])),
        ([note("first"), note("second")], 1, ("new", None, None, ["first"])),
        ([note("first"), status("called")], 1, ("new", None, None, ["first"])),
        ([note("first"), status("called")], 2, ("new", None, None, [])),
    ],
)
def test_undo_takes_back_the_newest_change_not_undone(
    store: Handover, steps: list[Step], undos: int, after: tuple[object, ...]
) -> None:
    referral_id = refer(store, "anna")
    other = refer(store, "bob")
    store.add_note(other, "not this one", by="Nurse Joy", now=NOW)
    for step in steps:
        assert step(store, referral_id) is not None
    undone = [store.undo(referral_id, by="Nurse Cy", now=LATER) for _ in range(undos)]
    assert state(store, referral_id) == after
    done = [change for change in undone if change is not None]
    assert len(done) == min(undos, len(steps))
    assert all(c.undone_by == "Nurse Cy" and c.undone_at == LATER for c in done)
    history = store.changes(referral_id)  # undone changes stay in the history, marked
    assert len(history) == len(steps)
    assert [c.id for c in history if c.undone_at is not None] == sorted(c.id for c in done)
    assert state(store, other)[3] == ["not this one"]


def test_a_reopened_referral_closed_before_the_workflow_is_closed_by_who_undoes(
    store: Handover,
) -> None:
    referral_id = refer(store, "anna")
    with store.engine.begin() as connection:  # as migration 0003 leaves a handled referral
        connection.execute(
            sa.text("UPDATE referrals SET status = 'closed', handled_at = :at, handled_by = 'Old'"),
            {"at": NOW},
        )
    store.set_status(referral_id, "called", by="Nurse Joy", now=NOW)
    store.undo(referral_id, by="Nurse Cy", now=LATER)
    assert state(store, referral_id)[:2] == ("closed", "Nurse Cy")


# --- Finding referrals ---------------------------------------------------------------------


def test_the_open_list_is_every_referral_not_closed_most_urgent_first(store: Handover) -> None:
    routine = refer(store, "r", "routine", now=NOW)
    urgent_old = refer(store, "u1", "urgent", now=NOW - timedelta(days=1))
    urgent_new = refer(store, "u2", "urgent", now=NOW)
    crisis = refer(store, "c", "crisis", now=NOW - timedelta(days=2))
    emergency = refer(store, "e", "emergency", now=NOW - timedelta(days=1))
    for referral_id, value in [(urgent_old, "called"), (routine, "no answer")]:
        store.set_status(referral_id, value, by="Nurse Joy", now=NOW)
    closed = refer(store, "closed", "emergency", now=NOW)
    store.set_status(closed, "closed", by="Nurse Joy", now=NOW)
    found = store.find(Filters())
    # Crises and emergencies rank together, newest first; then urgent, then routine.
    assert [r.id for r in found.referrals] == [emergency, crisis, urgent_new, urgent_old, routine]
    assert (found.total, found.pages) == (5, 1)
    everything = store.find(Filters(statuses=frozenset(STATUSES)))
    assert everything.total == 6 and everything.referrals[0].id == closed


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(levels=frozenset({"urgent"})), ["urgent-new", "urgent-called"]),
        (
            Filters(levels=frozenset({"urgent", "routine"})),
            ["urgent-new", "urgent-called", "routine"],
        ),
        (Filters(statuses=frozenset({"called"})), ["urgent-called"]),
        (Filters(statuses=frozenset({"closed"})), ["emergency-closed"]),
        (Filters(levels=frozenset({"emergency"})), []),  # the only one is closed
        (
            Filters(levels=frozenset({"emergency"}), statuses=frozenset(STATUSES)),
            ["emergency-closed"],
        ),
    ],
)
def test_levels_and_statuses_filter(store: Handover, filters: Filters, expected: list[str]) -> None:
    refer(store, "routine", "routine")
    refer(store, "urgent-called", "urgent", now=NOW - timedelta(hours=1))
    refer(store, "urgent-new", "urgent")
    refer(store, "emergency-closed", "emergency")
    by_name = {r.conversation_id: r.id for r in store.referrals(include_handled=True)}
    store.set_status(by_name["urgent-called"], "called", by="Nurse Joy", now=NOW)
    store.set_status(by_name["emergency-closed"], "closed", by="Nurse Joy", now=NOW)
    assert [r.conversation_id for r in store.find(filters).referrals] == expected


# London is an hour ahead of UTC in summer: 23:30 UTC on 30 June is 00:30 on 1 July there.
SUMMER_MIDNIGHT = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("date_from", "date_to", "found"),
    [
        (date(2026, 7, 1), None, True),
        (None, date(2026, 7, 1), True),
        (date(2026, 7, 1), date(2026, 7, 1), True),  # one day, both ends included
        (None, date(2026, 6, 30), False),  # 30 June in UTC, not at the clinic
        (date(2026, 7, 2), None, False),
        (None, None, True),
    ],
)
def test_days_are_the_clinics_days(
    store: Handover, date_from: date | None, date_to: date | None, found: bool
) -> None:
    refer(store, "anna", now=SUMMER_MIDNIGHT)
    filters = Filters(date_from=date_from, date_to=date_to, timezone=ZONE)
    assert store.find(filters).total == (1 if found else 0)


SEARCHED = {
    "anna": dict(patient_words="my vision is blurry since my botox", name="Zoë O'Brien",
                 phone="+442079460958"),
    "bob": dict(patient_words="my eyelid droops 100% of the time", name="Bob_Smith",
                phone="+16502530000"),
    "cy": dict(patient_words="<img src=x onerror=alert(1)> hurts", name=None, phone=None),
}  # fmt: skip


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Zoë", ["anna"]),
        ("o'brien", ["anna"]),  # any case
        ("020 7946 0958", ["anna"]),  # national form
        ("+44 20 7946 0958", ["anna"]),
        ("0044 20 7946 0958", ["anna"]),
        ("7946", ["anna"]),
        ("(650) 253-0000", ["bob"]),
        ("blurry botox", ["anna"]),  # every word, in any order
        ("botox blurry", ["anna"]),
        ("blurry droops", []),
        ("100%", ["bob"]),  # % and _ are letters, not patterns
        ("%", ["bob"]),
        ("_", ["bob"]),
        ("b_b", []),
        ("<img src=x onerror=alert(1)>", ["cy"]),
        ("called back twice", ["cy"]),  # a note's words
        ("wrong number", []),  # an undone note is gone
        ("URGENT", ["anna", "bob", "cy"]),  # the summary
        ("   ", ["anna", "bob", "cy"]),
        ("\x00", ["anna", "bob", "cy"]),
        ("ünïcødé", []),
        ("12", []),  # too few digits for a phone, and in no words
    ],
)
def test_the_search_finds_names_phones_words_and_notes(
    store: Handover, q: str, expected: list[str]
) -> None:
    for conversation, values in SEARCHED.items():
        refer(store, conversation, patient_words=values["patient_words"])
        if values["phone"]:
            store.save_callback(
                conversation, name=values["name"], phone=values["phone"], time="pm", now=NOW
            )
    cy = store.for_conversation("cy")[0].id
    store.add_note(cy, "Called back twice", by="Nurse Joy", now=NOW)
    store.add_note(cy, "wrong number", by="Nurse Joy", now=NOW)
    store.undo(cy, by="Nurse Joy", now=NOW)
    found = store.find(Filters(q=q))
    assert sorted(r.conversation_id for r in found.referrals) == expected


@pytest.mark.parametrize(
    ("page", "size", "shown", "pages"),
    [(1, 25, 25, 2), (2, 25, 5, 2), (3, 25, 0, 2), (1, 30, 30, 1), (1, 100, 30, 1), (10, 3, 3, 10)],
)
def test_pages_hold_page_size_referrals_and_the_total_counts_all(
    store: Handover, page: int, size: int, shown: int, pages: int
) -> None:
    ids = [refer(store, f"p{n}", now=NOW + timedelta(minutes=n)) for n in range(30)]
    found = store.find(Filters(page=page, page_size=size))
    assert (len(found.referrals), found.total, found.pages) == (shown, 30, pages)
    newest_first = list(reversed(ids))
    assert [r.id for r in found.referrals] == newest_first[(page - 1) * size :][:size]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"levels": frozenset({"severe"})}, "Unknown level 'severe': one of crisis, emergency"),
        ({"statuses": frozenset({"done"})}, "Unknown status 'done': one of new, called"),
        ({"statuses": frozenset()}, "at least one status"),
        ({"date_from": date(2026, 7, 2), "date_to": date(2026, 7, 1)}, "first day comes after"),
        ({"q": "x" * (MAX_QUERY + 1)}, f"at most {MAX_QUERY} characters"),
        ({"page": 0}, f"from 1 to {MAX_PAGE}"),
        ({"page": MAX_PAGE + 1}, f"from 1 to {MAX_PAGE}"),
        ({"page": -1}, f"from 1 to {MAX_PAGE}"),
        ({"page_size": 0}, "from 1 to 100"),
        ({"page_size": 101}, "from 1 to 100"),
    ],
)
def test_filters_that_cannot_be_say_why(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Filters(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "values",
    [
        {"q": "x" * MAX_QUERY},
        {"page": MAX_PAGE},
        {"page_size": 100},
        {"date_from": date(2026, 7, 1), "date_to": date(2026, 7, 1)},
    ],
)
def test_filters_at_their_limits_are_taken(store: Handover, values: dict[str, object]) -> None:
    assert store.find(Filters(**values)).referrals == []  # type: ignore[arg-type]


@pytest.mark.parametrize("day", [date.min, date.max])
def test_a_day_at_the_end_of_the_calendar_is_refused_not_a_crash(day: date) -> None:
    with pytest.raises(ValueError, match="between the years"):
        Filters(date_from=day, date_to=day, timezone="Asia/Tokyo").bounds()


def test_counts_are_of_open_referrals_per_level_and_status(store: Handover) -> None:
    for conversation, level, value in [
        ("a", "urgent", "new"), ("b", "urgent", "called"), ("c", "routine", "booked"),
        ("d", "crisis", "no answer"), ("e", "emergency", "closed"),
    ]:  # fmt: skip
        referral_id = refer(store, conversation, level)
        store.set_status(referral_id, value, by="Nurse Joy", now=NOW)
    counts = store.counts()
    assert counts.levels == {"crisis": 1, "emergency": 0, "urgent": 2, "routine": 1}
    assert counts.statuses == {"new": 1, "called": 1, "booked": 1, "no answer": 1}
    assert set(counts.statuses) == OPEN_STATUSES and counts.total == 4


# --- The week at a glance ------------------------------------------------------------------

# Tuesday 24 November 2026, 10:00 UTC (NOW): its week began on Monday 23 November.
MONDAY = date(2026, 11, 23)


def test_weeks_count_levels_and_reasons_in_the_clinics_week(store: Handover) -> None:
    # Sunday 22 November 23:30 in London (GMT, as UTC in winter) is the week before.
    refer(store, "sun", "urgent", now=datetime(2026, 11, 22, 23, 30, tzinfo=UTC),
          reasons=["blurred_vision", "double_vision"])  # fmt: skip
    refer(store, "mon", "urgent", now=datetime(2026, 11, 23, 0, 30, tzinfo=UTC))
    refer(store, "routine", "routine", now=NOW, reasons=[reasons.TWO_WEEK_RULE])
    closed = refer(store, "crisis", "crisis", now=NOW, reasons=["crisis"])
    store.set_status(closed, "closed", by="Nurse Joy", now=NOW)  # still counted
    refer(store, "long ago", "urgent", now=NOW - timedelta(weeks=3))
    weeks = store.weekly(weeks=2, now=NOW, timezone=ZONE)
    assert [w.start for w in weeks] == [MONDAY - timedelta(weeks=1), MONDAY]
    last_week, this_week = weeks
    assert last_week.levels == {"crisis": 0, "emergency": 0, "urgent": 1, "routine": 0}
    assert last_week.reasons == {"blurred_vision": 1, "double_vision": 1}
    assert this_week.levels == {"crisis": 1, "emergency": 0, "urgent": 1, "routine": 1}
    assert this_week.reasons == {"blurred_vision": 1, reasons.TWO_WEEK_RULE: 1, "crisis": 1}
    assert (last_week.total, this_week.total) == (1, 3)


@pytest.mark.parametrize(("weeks", "refused"), [(0, True), (1, False), (MAX_WEEKS, False),
                                                (MAX_WEEKS + 1, True), (-3, True)])  # fmt: skip
def test_the_weeks_shown_are_bounded(store: Handover, weeks: int, refused: bool) -> None:
    if refused:
        with pytest.raises(ValueError, match=f"from 1 to {MAX_WEEKS} weeks"):
            store.weekly(weeks=weeks, now=NOW, timezone=ZONE)
        return
    found = store.weekly(weeks=weeks, now=NOW, timezone=ZONE)
    assert len(found) == weeks and found[-1].start == MONDAY
    assert all(w.total == 0 for w in found)


# --- Erasure, the CSV ----------------------------------------------------------------------


def with_changes(store: Handover, conversation: str, now: datetime = NOW) -> int:
    referral_id = refer(store, conversation, now=now)
    store.add_note(referral_id, f"{conversation} said to call her mum", by="Nurse Joy", now=now)
    store.set_status(referral_id, "called", by="Nurse Joy", now=now)
    return referral_id


@pytest.mark.parametrize(
    "erase",
    [
        lambda store: store.erase_referrals("anna"),
        lambda store: store.erase("anna"),
        lambda store: store.erase_conversation("anna"),
        lambda store: store.apply_retention(90, NOW + timedelta(days=91)),
    ],
    ids=["erase_referrals", "erase", "erase_conversation", "apply_retention"],
)
async def test_erasing_a_referral_erases_its_notes_and_changes(
    store: Handover, database_url: str, erase: Callable[[Handover], object]
) -> None:
    await stored_conversation(database_url, "anna", NOW)
    anna = with_changes(store, "anna")
    kept = with_changes(store, "bob", now=NOW + timedelta(days=60))
    assert changes_kept(store, anna) == 2
    erase(store)
    assert store.referral(anna) is None
    assert changes_kept(store, anna) == 0 and store.notes([anna]) == {}
    assert changes_kept(store, kept) == 2


def test_the_csv_has_status_assignee_and_notes_and_no_formulas(store: Handover) -> None:
    referral_id = refer(store, "anna")
    store.set_status(referral_id, "booked", by="Nurse Joy", now=NOW)
    store.assign(referral_id, "=cmd|' /C calc'!A0", by="Nurse Joy", now=NOW)
    store.add_note(referral_id, '=HYPERLINK("http://evil")', by="Nurse Joy", now=NOW)
    store.add_note(referral_id, "booked for Friday", by="+Nurse Ada", now=LATER)
    other = refer(store, "bob")
    rows = list(csv.DictReader(io.StringIO(to_csv(store.referrals(), store.notes()))))
    row = next(r for r in rows if r["id"] == str(referral_id))
    assert row["status"] == "booked"
    assert row["assigned_to"] == "'=cmd|' /C calc'!A0"
    assert row["notes"].splitlines() == [
        f'[{NOW.isoformat()}] Nurse Joy: =HYPERLINK("http://evil")',
        f"[{LATER.isoformat()}] +Nurse Ada: booked for Friday",
    ]
    assert next(r for r in rows if r["id"] == str(other))["notes"] == ""


# --- Words for the nurse -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("blurred_vision", "blurred vision"),
        ("face_swelling", "swelling of the face, lips or tongue"),
        ("eyelid_cannot_open", "an eyelid drooping so much that the eye can't open fully"),
        ("crisis", "thoughts of suicide or self-harm"),
        ("not_improving_after_14_days", "not improving after 2 weeks (the 2-week rule)"),
        ("a_code_from_later", "a code from later"),
    ],
)
def test_each_reason_code_has_words_for_the_nurse(code: str, words: str) -> None:
    assert reasons.words_for(code) == words


@pytest.mark.parametrize("symptom", list(Symptom))
def test_every_sign_the_bot_knows_has_the_bots_own_words(symptom: Symptom) -> None:
    words = reasons.words_for(symptom.value)
    assert words in reasons._words().values() and " your " not in f" {words} "


@pytest.mark.parametrize(
    ("e164", "country", "shown"),
    [
        ("+442079460958", "GB", "020 7946 0958"),
        ("+447911123456", "GB", "07911 123456"),
        ("+442079460958", "gb", "020 7946 0958"),
        ("+16502530000", "GB", "+1 650-253-0000"),  # another country: international
        ("+33123456789", "FR", "01 23 45 67 89"),
        ("not a number", "GB", "not a number"),
    ],
)
def test_a_callback_number_is_shown_as_the_clinic_dials_it(
    e164: str, country: str, shown: str
) -> None:
    assert national_phone(e164, country) == shown
