"""The hand-over to the clinic (handover/): contact checks, summaries, the SQL store, the CLI.

The store runs against an SQLite file and the real PostgreSQL server (``database_url``).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from aftercare.summary import in_third_person, summarise
from handover import __main__ as cli
from handover import contact
from handover.store import (
    NOTIFY_CHANNEL,
    Handover,
    engine_for,
    to_csv,
)
from tests.support.pinned import NOW, ROOT
from tests.support.stores import refer, stored_conversation, stored_events

# --- Contact details -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("+44 20 7946 0958", "+442079460958"),
        ("020 7946 0958", "+442079460958"),
        ("0207-946-0958", "+442079460958"),
        ("(020) 7946 0958", "+442079460958"),
        ("07911 123456", "+447911123456"),
        ("+1 650 253 0000", "+16502530000"),
        ("call me on oh two oh", None),
        ("0207 946", None),
        ("12", None),
        ("", None),
        ("'; DROP TABLE referrals; --", None),
        ("0" * 200, None),
    ],
)
def test_phone_numbers_are_checked_and_normalised(typed: str, e164: str | None) -> None:
    assert contact.normalise_phone(typed, "GB") == e164


def test_a_number_is_read_back_in_international_form() -> None:
    assert contact.display_phone("+442079460958") == "+44 20 7946 0958"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Anna", "Anna"),
        ("  zoë   o'brien ", "zoë o'brien"),
        ("Siobhán Ní Bhriain", "Siobhán Ní Bhriain"),
        ("Jean-Luc D\u2019Arcy", "Jean-Luc D\u2019Arcy"),
        ("my name is Anna Smith", "Anna Smith"),
        ("Dr. Łukasz Żółw", "Dr. Łukasz Żółw"),
        ("Robert'); DROP TABLE referrals;--", None),
        ("<script>alert(1)</script>", None),
        ("Anna 2", None),
        ("x" * 10_000, None),
        ("", None),
        ("   ", None),
    ],
)
def test_names_keep_accents_and_apostrophes_and_refuse_the_rest(
    typed: str, name: str | None
) -> None:
    assert contact.clean_name(typed) == name


@pytest.mark.parametrize(
    ("typed", "time"),
    [("after 4pm", "after 4pm"), ("  any   time ", "any time"), ("", None), ("!!!", None)],
)
def test_a_preferred_time_is_kept_in_the_patients_words(typed: str, time: str | None) -> None:
    assert contact.clean_time(typed) == time
    assert contact.clean_time("x" * (contact.MAX_TIME + 1)) is None


# --- Summary ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "findings", "days", "summary"),
    [
        (
            "urgent",
            ["blurred vision"],
            4,
            "URGENT: red flag, told to return to the clinic today. Blurred vision. "
            "Day 4 after treatment.",
        ),
        (
            "routine",
            ["eye twitching"],
            16,
            "ROUTINE: not improving at 2 weeks, told to come back to the clinic. "
            "Eye twitching. Day 16 after treatment.",
        ),
        (
            "emergency",
            ["trouble breathing"],
            None,
            "EMERGENCY: told to call the emergency number now. Trouble breathing. "
            "Treatment date unknown.",
        ),
    ],
)
def test_the_summary_reads_in_ten_seconds(
    level: str, findings: list[str], days: int | None, summary: str
) -> None:
    assert summarise(level, findings, days) == summary


def _symptom_words() -> list[str]:
    responses = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["responses"]
    return [
        variant["text"]
        for name, variants in responses.items()
        if name.startswith("symptom_")
        for variant in variants
    ]


@pytest.mark.parametrize("words", _symptom_words())
def test_the_summary_speaks_of_the_patient_in_the_third_person(words: str) -> None:
    summary = summarise("urgent", [words], 4)
    assert not re.search(r"\byou(?:r|rs|rself|'re|'ve|'d)?\b", summary, re.IGNORECASE)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("a problem with your vision", "a problem with their vision"),
        (
            "an eyelid drooping so much that you can't open your eye fully",
            "an eyelid drooping so much that they can't open their eye fully",
        ),
        ("swelling of your face, lips or tongue", "swelling of their face, lips or tongue"),
        ("blurred vision", "blurred vision"),
    ],
)
def test_the_findings_are_said_of_the_patient(words: str, expected: str) -> None:
    assert in_third_person(words) == expected


# --- The store, on SQLite and PostgreSQL -----------------------------------------------------


def test_a_referral_is_stored_with_everything_a_nurse_needs(store: Handover) -> None:
    referral_id = refer(store, "anna")
    referral = store.referral(referral_id)
    assert referral is not None
    assert (referral.level, referral.reasons, referral.days_since_treatment) == (
        "urgent",
        ["blurred_vision"],
        4,
    )
    assert referral.patient_words == "my vision is blurry since my botox"
    assert referral.summary.startswith("URGENT")
    assert referral.created_at == NOW
    assert referral.callback_phone is None and referral.handled_at is None


def test_the_list_is_most_urgent_first_then_newest(store: Handover) -> None:
    refer(store, "a", "routine", now=NOW)
    refer(store, "b", "urgent", now=NOW - timedelta(hours=2))
    refer(store, "c", "emergency", now=NOW - timedelta(hours=5))
    refer(store, "d", "urgent", now=NOW - timedelta(hours=1))
    assert [r.conversation_id for r in store.referrals()] == ["c", "d", "b", "a"]


def test_a_confirmed_callback_goes_on_the_latest_referral(store: Handover) -> None:
    refer(store, "anna", now=NOW - timedelta(days=1))
    latest = refer(store, "anna")
    saved = store.save_callback(
        "anna", name="Zoë O'Brien", phone="+442079460958", time="after 4pm", now=NOW
    )
    assert saved == latest
    referral = store.referral(latest)
    assert referral is not None
    assert (referral.callback_name, referral.callback_phone, referral.callback_time) == (
        "Zoë O'Brien",
        "+442079460958",
        "after 4pm",
    )
    assert store.save_callback("nobody", name="A", phone="+442079460958", time="x", now=NOW) is None


def test_a_declined_callback_marks_the_latest_referral_declined(store: Handover) -> None:
    earlier = refer(store, "anna", now=NOW - timedelta(days=1))
    latest = refer(store, "anna", "emergency")
    assert store.decline_callback("anna", now=NOW) == latest
    referral = store.referral(latest)
    assert referral is not None and referral.callback_declined_at == NOW
    assert referral.callback_status == "declined"
    before = store.referral(earlier)
    assert before is not None and before.callback_status == "offered"
    assert store.decline_callback("nobody", now=NOW) is None
    assert "declined" in to_csv([referral]).splitlines()[0]
    assert NOW.isoformat() in to_csv([referral]).splitlines()[1]


def test_a_later_no_does_not_undo_a_confirmed_callback(store: Handover) -> None:
    referral_id = refer(store, "anna")
    store.save_callback("anna", name="Anna", phone="+442079460958", time="pm", now=NOW)
    assert store.decline_callback("anna", now=NOW) is None
    referral = store.referral(referral_id)
    assert referral is not None and referral.callback_status == "confirmed"
    assert referral.callback_declined_at is None


def test_a_crisis_has_no_callback_offered(store: Handover) -> None:
    referral = store.referral(refer(store, "anna", "crisis"))
    assert referral is not None and referral.callback_status == "not offered"


def test_new_referrals_are_found_after_a_number(store: Handover) -> None:
    assert store.latest_id() == 0
    first, second, third = (refer(store, name) for name in ("a", "b", "c"))
    assert store.latest_id() == third
    assert [r.id for r in store.referrals_after(first)] == [second, third]
    assert [r.id for r in store.referrals_after(first, limit=1)] == [second]
    assert store.referrals_after(third) == []


def test_a_referral_is_announced_on_postgresql_when_it_is_committed(postgres_url: str) -> None:
    import select

    import psycopg2

    store = Handover(engine_for(postgres_url))
    listener = psycopg2.connect(postgres_url)
    listener.autocommit = True
    try:
        with listener.cursor() as cursor:
            cursor.execute(f"LISTEN {NOTIFY_CHANNEL}")
        referral_id = refer(store, "listened")
        assert select.select([listener], [], [], 5) != ([], [], [])
        listener.poll()
        assert [n.payload for n in listener.notifies] == [str(referral_id)]
    finally:
        listener.close()


def test_a_referral_number_is_never_given_twice(store: Handover) -> None:
    refer(store, "anna")
    newest = refer(store, "bob")
    store.erase_conversation("bob")  # "delete my data": the newest referral goes
    assert refer(store, "carol") > newest


def test_nul_characters_in_a_patients_words_do_not_stop_the_referral(store: Handover) -> None:
    referral_id = refer(
        store, "anna", patient_words="my vision\x00 is blurry\x00", findings="blurred\x00 vision"
    )
    referral = store.referral(referral_id)
    assert referral is not None
    assert (referral.patient_words, referral.findings) == ("my vision is blurry", "blurred vision")
    store.save_callback("anna", name="Anna", phone="+442079460958", time="after\x00 4", now=NOW)
    assert store.mark_handled(referral_id, by="Nurse\x00 Joy", now=NOW)
    referral = store.referral(referral_id)
    assert referral is not None
    assert (referral.callback_time, referral.handled_by) == ("after 4", "Nurse Joy")


@pytest.mark.parametrize("number", [2**63, 2**31, -1, 0, 10**30])
def test_a_number_no_referral_can_have_finds_none(store: Handover, number: int) -> None:
    refer(store, "anna")
    assert store.referral(number) is None
    assert not store.mark_handled(number, by="Nurse Joy", now=NOW)


def test_marking_handled_records_who_and_when_once(store: Handover) -> None:
    referral_id = refer(store, "anna")
    assert store.mark_handled(referral_id, by="Nurse Joy", now=NOW)
    assert not store.mark_handled(referral_id, by="Someone else", now=NOW)
    assert not store.mark_handled(999_999, by="Nurse Joy", now=NOW)
    referral = store.referral(referral_id)
    assert referral is not None and referral.handled_by == "Nurse Joy"
    assert store.referrals() == []
    assert len(store.referrals(include_handled=True)) == 1


async def test_the_transcript_comes_from_rasas_events(store: Handover, database_url: str) -> None:
    await stored_conversation(database_url, "anna", NOW)
    lines = store.transcript("anna")
    assert [(line.speaker, line.text) for line in lines] == [
        ("patient", "my vision is blurry"),
        ("bot", "Please return to the clinic today."),
    ]


async def test_the_transcript_shows_the_button_tapped_not_its_payload(
    store: Handover, database_url: str
) -> None:
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    events = [
        UserUttered("/greet", {"name": "greet"}),
        BotUttered("Do you have any trouble breathing?", data={"buttons": buttons}),
        UserUttered("/deny", {"name": "deny"}),
        UserUttered("/restart", {"name": "restart"}),
        UserUttered("/affirm", {"name": "affirm"}),
    ]
    await stored_events(database_url, "bea", events)
    assert [line.text for line in store.transcript("bea") if line.speaker == "patient"] == [
        "(opened the chat)",
        "[No]",
        "(started over)",
        "[Yes]",
    ]


async def test_delete_my_data_erases_the_conversation_in_the_tracker_store(
    store: Handover, database_url: str
) -> None:
    tracker_store = await stored_conversation(database_url, "anna", NOW)
    await stored_conversation(database_url, "bob", NOW)
    refer(store, "anna")
    tracker = await tracker_store.retrieve("anna")
    assert tracker is not None
    store.erase_referrals("anna")  # what action_delete_my_data does
    tracker.update(ActionExecuted("action_delete_my_data"))
    tracker.update(BotUttered("Done: this conversation ... deleted."))
    tracker.update(SlotSet("erase_conversation", True))
    tracker.update(ActionExecuted("action_listen"))
    await tracker_store.save(tracker)
    assert await tracker_store.retrieve("anna") is None
    assert store.transcript("anna") == [] and store.for_conversation("anna") == []
    assert store.transcript("bob") != []


async def test_retention_deletes_only_what_is_old(store: Handover, database_url: str) -> None:
    await stored_conversation(database_url, "old", NOW - timedelta(days=100))
    await stored_conversation(database_url, "new", NOW - timedelta(days=3))
    refer(store, "old", now=NOW - timedelta(days=100))
    refer(store, "new", now=NOW - timedelta(days=3))
    assert store.apply_retention(90, NOW) == (1, 1)
    assert [r.conversation_id for r in store.referrals()] == ["new"]
    assert store.transcript("old") == [] and store.transcript("new") != []
    with pytest.raises(ValueError):
        store.apply_retention(0, NOW)


def test_the_csv_has_one_row_per_referral_and_no_formulas(store: Handover) -> None:
    refer(store, "anna", patient_words='=HYPERLINK("http://evil")')
    store.save_callback("anna", name="Anna", phone="+442079460958", time="any time", now=NOW)
    rows = list(csv.DictReader(io.StringIO(to_csv(store.referrals()))))
    assert len(rows) == 1
    assert rows[0]["level"] == "urgent" and rows[0]["callback_name"] == "Anna"
    assert rows[0]["patient_words"].startswith("'=")


# --- The command line ------------------------------------------------------------------------


def test_the_cli_lists_exports_marks_and_applies_retention(
    store: Handover,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: object,
) -> None:
    monkeypatch.setenv("AFTERCARE_DATABASE_URL", database_url)
    referral_id = refer(store, "anna", now=datetime.now(UTC))
    refer(store, "old", now=datetime.now(UTC) - timedelta(days=400))
    assert cli.main(["list"]) == 0
    listed = capsys.readouterr().out
    assert f"#{referral_id}" in listed and "URGENT" in listed
    assert cli.main(["export"]) == 0
    assert len(list(csv.reader(io.StringIO(capsys.readouterr().out)))) == 3
    assert cli.main(["handled", str(referral_id), "--by", "Nurse Joy"]) == 0
    assert cli.main(["handled", str(referral_id), "--by", "Nurse Joy"]) == 1
    assert cli.main(["retention", "--days", "365"]) == 0
    assert "Deleted 1 referral(s)" in capsys.readouterr().out
    assert [r.conversation_id for r in store.referrals(include_handled=True)] == ["anna"]
