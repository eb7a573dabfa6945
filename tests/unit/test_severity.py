"""The one severity ladder (aftercare/severity.py), and that every part climbs it."""

from __future__ import annotations

import pytest

from aftercare.severity import Severity, most_severe
from aftercare.symptoms import ScreeningQuestion, Symptom

EXPECTED, RED_FLAG, EMERGENCY = Severity.EXPECTED, Severity.RED_FLAG, Severity.EMERGENCY


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ([], EXPECTED),
        ([EXPECTED], EXPECTED),
        ([EXPECTED, RED_FLAG], RED_FLAG),
        ([RED_FLAG, EXPECTED], RED_FLAG),
        ([EMERGENCY, RED_FLAG], EMERGENCY),
        ([EXPECTED, EMERGENCY, EXPECTED], EMERGENCY),
    ],
)
def test_the_most_severe_step(severities: list[Severity], expected: Severity) -> None:
    assert most_severe(severities) is expected


@pytest.mark.parametrize(
    ("severity", "rank", "decides"),
    [(EXPECTED, 0, False), (RED_FLAG, 1, True), (EMERGENCY, 2, True)],
)
def test_each_step(severity: Severity, rank: int, decides: bool) -> None:
    assert (severity.rank, severity.decides) == (rank, decides)


@pytest.mark.parametrize(
    ("question", "severity"),
    [
        (ScreeningQuestion.EYELID, RED_FLAG),
        (ScreeningQuestion.VISION, RED_FLAG),
        (ScreeningQuestion.INJECTION_SITE, RED_FLAG),
        (ScreeningQuestion.EMERGENCY, EMERGENCY),
    ],
)
def test_a_yes_to_a_question_weighs_as_its_signs(
    question: ScreeningQuestion, severity: Severity
) -> None:
    assert question.severity is severity


def test_every_symptom_is_on_the_ladder() -> None:
    assert {s.severity for s in Symptom} == set(Severity)
