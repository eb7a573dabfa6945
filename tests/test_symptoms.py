"""The symptom screen: every red-flag phrasing caught, every denial respected (actions/symptoms.py)."""

from __future__ import annotations

import pytest

from actions.symptoms import (
    Screening,
    ScreeningQuestion,
    Severity,
    Symptom,
    Trend,
    screen,
)
from tests.phrasings import EMERGENCY_PHRASINGS, NOT_RED_FLAGS, RED_FLAG_PHRASINGS


def _cases(table: dict[Symptom, list[str]]) -> list[tuple[Symptom, str]]:
    return [(symptom, text) for symptom, texts in table.items() for text in texts]


@pytest.mark.parametrize(("symptom", "text"), _cases(RED_FLAG_PHRASINGS))
def test_every_red_flag_phrasing_is_caught(symptom: Symptom, text: str) -> None:
    screening = screen(text)
    assert symptom in screening.present
    assert not screening.emergency_signs


@pytest.mark.parametrize(("symptom", "text"), _cases(EMERGENCY_PHRASINGS))
def test_every_emergency_phrasing_is_caught(symptom: Symptom, text: str) -> None:
    assert symptom in screen(text).emergency_signs


@pytest.mark.parametrize("text", NOT_RED_FLAGS)
def test_ordinary_effects_and_denials_are_not_red_flags(text: str) -> None:
    screening = screen(text)
    assert not screening.red_flags and not screening.emergency_signs


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("no blurred vision, just a twitch", {Symptom.TWITCHING}, {Symptom.BLURRED_VISION}),
        ("I don't have trouble breathing", set(), {Symptom.BREATHING_DIFFICULTY}),
        (
            "it doesn't hurt but it's bruised",
            {Symptom.BRUISING},
            {Symptom.PAIN, Symptom.PERSISTENT_PAIN},
        ),
        ("not blurry at all", set(), {Symptom.BLURRED_VISION}),
        (
            "no double vision and no pain",
            set(),
            {Symptom.DOUBLE_VISION, Symptom.PAIN, Symptom.PERSISTENT_PAIN},
        ),
        # "not sure" is not a negation of what follows it.
        ("I'm not sure but my vision seems blurry", {Symptom.BLURRED_VISION}, set()),
        # A symptom denied and reported counts as reported.
        ("no blurred vision yesterday but today it is blurry", {Symptom.BLURRED_VISION}, set()),
    ],
)
def test_negation(text: str, present: set[Symptom], absent: set[Symptom]) -> None:
    screening = screen(text)
    assert screening.present == present
    assert absent <= screening.absent


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("my eye twiches", Symptom.TWITCHING),
        ("eyelid spasms all day", Symptom.TWITCHING),
        ("my eyelid looks droopy", Symptom.DROOPING),
        ("dry gritty eyes", Symptom.DRY_EYE),
        ("my eyes keep watering", Symptom.TEARING),
        ("puffy under my eye", Symptom.SWELLING),
        ("a bruise at the injection site", Symptom.BRUISING),
        ("my eyebrows look uneven", Symptom.EYEBROW_ASYMMETRY),
        ("MY EYE IS TWITCHING!!!", Symptom.TWITCHING),
        ("my eye’s twitching", Symptom.TWITCHING),
    ],
)
def test_common_effects_in_everyday_words(text: str, symptom: Symptom) -> None:
    assert symptom in screen(text).present


@pytest.mark.parametrize(
    ("text", "trend"),
    [
        ("it's getting better", Trend.IMPROVING),
        ("much better today", Trend.IMPROVING),
        ("the twitching has stopped", Trend.IMPROVING),
        ("not getting better", Trend.NOT_IMPROVING),
        ("it's getting worse", Trend.NOT_IMPROVING),
        ("still the same", Trend.NOT_IMPROVING),
        ("my eye twitches", None),
    ],
)
def test_trend(text: str, trend: Trend | None) -> None:
    assert screen(text).trend is trend


@pytest.mark.parametrize(
    "text", ["", "   ", "🙂🙂🙂", "x" * 10_000, "mi visión está bien", "'; DROP TABLE users; --"]
)
def test_odd_input_finds_nothing_and_does_not_fail(text: str) -> None:
    assert not screen(text).red_flags


def test_a_long_message_is_screened_whole() -> None:
    text = "my eye feels fine. " * 500 + "but now I'm seeing double"
    assert Symptom.DOUBLE_VISION in screen(text).present


def test_merging_keeps_what_earlier_messages_reported() -> None:
    merged = (
        screen("my vision is blurry").merge(screen("no, no pain")).merge(screen("it's improving"))
    )
    assert Symptom.BLURRED_VISION in merged.present
    assert merged.trend is Trend.IMPROVING


def test_a_reported_red_flag_answers_its_screening_question() -> None:
    screening = Screening(present=frozenset({Symptom.DOUBLE_VISION}))
    assert screening.answer(ScreeningQuestion.VISION) is True
    assert screening.answer(ScreeningQuestion.EYELID) is None


@pytest.mark.parametrize("question", list(ScreeningQuestion))
def test_each_screening_question_covers_only_red_flags_or_emergency_signs(
    question: ScreeningQuestion,
) -> None:
    assert all(s.severity is not Severity.EXPECTED for s in question.symptoms)
