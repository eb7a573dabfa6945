"""The held-out set (benchmarks/heldout/) is never training data, and the harness reads it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from benchmarks.understanding import (
    HELDOUT,
    LEVELS,
    QUESTIONS,
    fill_dates,
    first_answer,
    load_set,
    outcome,
)

ROOT = Path(__file__).resolve().parents[2]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def _training_sentences() -> set[str]:
    """Every example, lookup entry and story text under data/, normalised."""
    found: set[str] = set()
    for path in (ROOT / "data").rglob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip().removeprefix("- ").strip()
            if line:
                found.add(_words(line))
    return found


BLIND_SETS = sorted(path for path in (HELDOUT / "blind").iterdir() if path.is_dir())
"""Fresh sets written blind, each measured once before the work it judged (docs/testing.md)."""


def _heldout_sentences() -> list[str]:
    sentences: list[str] = []
    for folder in (HELDOUT, *BLIND_SETS):
        sentences += [case["text"] for case in load_set("messages", folder)]
        for patient in load_set("patients", folder):
            sentences.append(patient["opening"])
            sentences.extend(str(line) for line in patient["says"].values())
    return sentences


@pytest.mark.parametrize("folder", BLIND_SETS, ids=lambda path: path.name)
def test_every_blind_set_is_read_by_the_harness(folder: Path) -> None:
    messages, patients = load_set("messages", folder), load_set("patients", folder)
    assert messages or patients
    for patient in patients:
        assert set(patient["says"]) == set(QUESTIONS.values()), patient["id"]
        assert patient["level"] in LEVELS


def test_the_heldout_set_is_big_enough() -> None:
    messages, patients = load_set("messages"), load_set("patients")
    assert len(messages) >= 400
    assert len(patients) >= 80
    assert {p["level"] for p in patients} == set(LEVELS)
    for patient in patients:
        assert set(patient["says"]) == set(QUESTIONS.values()), patient["id"]


def test_no_heldout_sentence_is_training_data() -> None:
    training = _training_sentences()
    # Short answers ("no", "yes", "nope") are everyone's words, not a leak.
    leaked = [
        text
        for text in _heldout_sentences()
        if len(_words(text).split()) > 3
        and _words(fill_dates(text, date(2026, 11, 24))) in training
    ]
    assert leaked == []


def test_the_heldout_files_are_where_the_harness_reads_them() -> None:
    assert (HELDOUT / "messages.yml").exists()
    assert yaml.safe_load((HELDOUT / "patients.yml").read_text(encoding="utf-8"))["patients"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("had it on {date:9}", "had it on 15 November"),
        ("on the {day:3}", "on the 21st"),
        ("last {weekday:2}", "last Sunday"),
        ("on the {day:13}", "on the 11th"),
    ],
)
def test_dates_are_filled_in_from_today(text: str, expected: str) -> None:
    assert fill_dates(text, date(2026, 11, 24)) == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["utter_faq/drooping", "utter_ask_screen_emergency"], None),
        (["triage_urgent", "offer_callback"], "urgent"),
        (["utter_unavailable_emergency"], "emergency"),
        (["triage_self_care_within_14_days", "aftercare_advice"], "self_care"),
    ],
)
def test_outcome_names_the_triage_level(names: list[str], expected: str | None) -> None:
    assert outcome(names) == expected


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["utter_faq/how_long", "utter_faq/drooping", "utter_ask_screen_emergency"],
            "utter_faq/how_long",
        ),
        (["utter_greet"], None),
        ([], None),
    ],
)
def test_first_answer_is_the_first_of_the_articles_answers(
    names: list[str], expected: str | None
) -> None:
    assert first_answer(names) == expected
