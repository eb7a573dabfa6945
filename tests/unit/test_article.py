"""Which of the article's answers a message gets (aftercare/article.py)."""

from __future__ import annotations

import pytest

from aftercare.article import answers_to_give, on_the_subject
from aftercare.symptoms import Symptom


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        ([], []),
        ([("drooping", 0.9), ("how_long", 0.05)], ["drooping"]),
        ([("drooping", 0.55), ("how_long", 0.39)], ["drooping", "how_long"]),
        # The runner-up at exactly half the first's confidence is given; just under, not.
        ([("drooping", 0.5), ("how_long", 0.25)], ["drooping", "how_long"]),
        ([("drooping", 0.5), ("how_long", 0.249)], ["drooping"]),
        # Below the least confidence, neither is given, however close they are.
        ([("drooping", 0.19), ("how_long", 0.18)], []),
        ([("drooping", 0.3), ("how_long", 0.19)], ["drooping"]),
        # Only the two best are ever given.
        ([("drooping", 0.34), ("how_long", 0.33), ("caffeine", 0.33)], ["drooping", "how_long"]),
        ([("drooping", 1.0)], ["drooping"]),
    ],
)
def test_a_torn_selector_gives_its_two_best_answers(
    ranking: list[tuple[str, float]], expected: list[str]
) -> None:
    assert answers_to_give(ranking) == expected


B, D, HL, WHY, CAUSE = (
    "faq/swelling_bruising",
    "faq/drooping",
    "faq/how_long",
    "faq/why_twitching",
    "faq/can_botox_cause_twitching",
)


@pytest.mark.parametrize(
    ("answers", "told", "expected"),
    [
        # A twitching answer to a question about the one symptom told: that symptom's answer.
        ([HL], {Symptom.BRUISING}, [B]),
        ([WHY], {Symptom.BRUISING, Symptom.SWELLING}, [B]),
        ([HL, D], {Symptom.DROOPING}, [D]),
        ([CAUSE, "faq/caffeine"], {Symptom.DRY_EYE}, ["faq/dry_eyes_tearing", "faq/caffeine"]),
        # Twitching told too, two answers of their own, or none: as the selector chose.
        ([HL], {Symptom.BRUISING, Symptom.TWITCHING}, [HL]),
        ([HL], {Symptom.BRUISING, Symptom.DROOPING}, [HL]),
        ([HL], {Symptom.PAIN}, [HL]),
        ([HL], set(), [HL]),
        # An answer that is not about twitching stays.
        (["faq/massage"], {Symptom.BRUISING}, ["faq/massage"]),
    ],
)
def test_a_twitching_answer_goes_to_the_symptom_told(
    answers: list[str], told: set[Symptom], expected: list[str]
) -> None:
    assert on_the_subject(answers, told) == expected


@pytest.mark.parametrize(
    ("answers", "told", "beyond", "expected"),
    [
        # Only a change the article does not name ("I can't smile properly on the left"):
        # not twitching's answer, but "not covered" (the safety net follows it).
        ([HL], set(), True, ["faq/not_covered"]),
        (
            ["faq/facial_expressions", HL],
            set(),
            True,
            ["faq/facial_expressions", "faq/not_covered"],
        ),
        ([HL, "faq/not_covered"], set(), True, ["faq/not_covered"]),
        # A symptom the article names beside it, or no change at all: as before.
        ([HL], {Symptom.TWITCHING}, True, [HL]),
        ([HL], {Symptom.BRUISING}, True, [B]),
        ([HL], set(), False, [HL]),
    ],
)
def test_a_twitching_answer_to_a_change_the_article_does_not_name_is_not_covered(
    answers: list[str], told: set[Symptom], beyond: bool, expected: list[str]
) -> None:
    assert on_the_subject(answers, told, beyond) == expected
