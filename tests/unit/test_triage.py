"""The triage rules, table-driven on their boundaries (aftercare/triage.py)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import yaml

from aftercare.screen import screen
from aftercare.severity import Severity
from aftercare.symptoms import ScreeningQuestion, Symptom
from aftercare.triage import (
    SETTLE_DAYS,
    WAIT_DAYS,
    Decision,
    Level,
    Reason,
    Report,
    decide,
    questions_needed,
)
from tests.support.pinned import ROOT

TODAY = date(2026, 11, 24)
RED_FLAGS = [s for s in Symptom if s.severity is Severity.RED_FLAG]
EMERGENCY_SIGNS = [s for s in Symptom if s.severity is Severity.EMERGENCY]
ALL_NO = {q: False for q in ScreeningQuestion}


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


@pytest.mark.parametrize(
    ("day", "improving", "level", "reason"),
    [
        (1, False, Level.SELF_CARE, Reason.WITHIN_WAIT),
        (13, False, Level.SELF_CARE, Reason.WITHIN_WAIT),
        (13, None, Level.SELF_CARE, Reason.WITHIN_WAIT),
        (14, False, Level.ROUTINE, Reason.NOT_IMPROVING_AFTER_WAIT),
        (14, None, Level.ROUTINE, Reason.NOT_IMPROVING_AFTER_WAIT),
        (15, False, Level.ROUTINE, Reason.NOT_IMPROVING_AFTER_WAIT),
        (15, True, Level.SELF_CARE, Reason.IMPROVING_AFTER_WAIT),
        (14, True, Level.SELF_CARE, Reason.IMPROVING_AFTER_WAIT),
        (60, False, Level.ROUTINE, Reason.NOT_IMPROVING_AFTER_WAIT),
    ],
)
def test_two_week_rule(day: int, improving: bool | None, level: Level, reason: Reason) -> None:
    report = Report(frozenset({Symptom.TWITCHING}), days_ago(day), improving, ALL_NO)
    decision = decide(report, TODAY)
    assert (decision.level, decision.reasons) == (level, (reason.value,))
    assert decision.days_since_treatment == day


def test_self_care_names_the_day_to_come_back() -> None:
    decision = decide(Report(frozenset({Symptom.DRY_EYE}), days_ago(5), None, ALL_NO), TODAY)
    assert decision.review_on == days_ago(5) + timedelta(days=WAIT_DAYS)


@pytest.mark.parametrize("red_flag", RED_FLAGS, ids=lambda s: s.value)
@pytest.mark.parametrize("day", [0, 1, 13, 14, 40])
def test_each_red_flag_alone_is_urgent_on_any_day(red_flag: Symptom, day: int) -> None:
    decision = decide(Report(frozenset({red_flag}), days_ago(day), True), TODAY)
    assert decision.level is Level.URGENT
    assert decision.reasons == (red_flag.value,)


@pytest.mark.parametrize("sign", EMERGENCY_SIGNS, ids=lambda s: s.value)
def test_each_emergency_sign_alone_is_an_emergency(sign: Symptom) -> None:
    decision = decide(Report(frozenset({sign}), days_ago(1)), TODAY)
    assert (decision.level, decision.reasons) == (Level.EMERGENCY, (sign.value,))


def test_an_emergency_sign_outranks_a_red_flag() -> None:
    symptoms = frozenset({Symptom.BLURRED_VISION, Symptom.BREATHING_DIFFICULTY})
    assert decide(Report(symptoms, days_ago(3)), TODAY).level is Level.EMERGENCY


def test_a_red_flag_with_an_unknown_date_is_still_urgent() -> None:
    assert decide(Report(frozenset({Symptom.DOUBLE_VISION})), TODAY).level is Level.URGENT


@pytest.mark.parametrize(
    ("question", "reported", "reason"),
    [
        (ScreeningQuestion.EYELID, set(), Symptom.EYELID_CANNOT_OPEN),
        (ScreeningQuestion.EYELID, {Symptom.DROOPING}, Symptom.EYELID_CANNOT_OPEN),
        (ScreeningQuestion.VISION, set(), Symptom.VISION_PROBLEM),
        (ScreeningQuestion.INJECTION_SITE, set(), Symptom.INJECTION_SITE_PROBLEM),
        (ScreeningQuestion.INJECTION_SITE, {Symptom.PAIN}, Symptom.PERSISTENT_PAIN),
        (ScreeningQuestion.INJECTION_SITE, {Symptom.REDNESS}, Symptom.PERSISTENT_REDNESS),
        (ScreeningQuestion.EMERGENCY, set(), Symptom.EMERGENCY_SIGN),
    ],
)
def test_a_yes_to_a_screening_question_is_that_red_flag(
    question: ScreeningQuestion, reported: set[Symptom], reason: Symptom
) -> None:
    report = Report(frozenset(reported | {Symptom.TWITCHING}), days_ago(2), None, {question: True})
    decision = decide(report, TODAY)
    assert reason.value in decision.reasons
    expected = Level.EMERGENCY if question is ScreeningQuestion.EMERGENCY else Level.URGENT
    assert decision.level is expected


@pytest.mark.parametrize(
    "message",
    [
        "no blurred vision, just a twitch",
        "I don't have double vision",
        "my vision is fine, my eye twitches",
        "no trouble breathing, only some bruising",
        "twitching but I can open my eye fully",
        "it doesn't hurt, it's a bit swollen",
    ],
)
def test_a_denied_red_flag_is_not_a_red_flag(message: str) -> None:
    screening = screen(message)
    decision = decide(Report(screening.present, days_ago(4), None, ALL_NO), TODAY)
    assert decision.level is Level.SELF_CARE


def test_unknown_date_without_red_flags_is_self_care_with_the_safe_advice() -> None:
    decision = decide(Report(frozenset({Symptom.TWITCHING}), None, False, ALL_NO), TODAY)
    assert (decision.level, decision.reasons) == (Level.SELF_CARE, (Reason.DATE_UNKNOWN.value,))


def test_no_symptoms_is_self_care() -> None:
    decision = decide(Report(frozenset(), days_ago(20), False, ALL_NO), TODAY)
    assert (decision.level, decision.reasons) == (Level.SELF_CARE, (Reason.NO_SYMPTOMS.value,))


# The emergency question first, as soon as the symptom is known; the article's red flags last.
FIRST = ["symptom_description", ScreeningQuestion.EMERGENCY.value]
RED_FLAGS = [q.value for q in ScreeningQuestion if q is not ScreeningQuestion.EMERGENCY]


@pytest.mark.parametrize(
    ("report", "date_unknown", "needed"),
    [
        (Report(), False, [*FIRST, "treatment_date", *RED_FLAGS]),
        (
            Report(frozenset({Symptom.TWITCHING}), days_ago(5)),
            False,
            [*FIRST, "treatment_date", *RED_FLAGS],
        ),
        (
            Report(frozenset({Symptom.TWITCHING}), days_ago(13)),
            False,
            [*FIRST, "treatment_date", *RED_FLAGS],
        ),
        (
            Report(frozenset({Symptom.TWITCHING}), days_ago(14)),
            False,
            [*FIRST, "treatment_date", "improving", *RED_FLAGS],
        ),
        (Report(frozenset({Symptom.TWITCHING})), True, [*FIRST, *RED_FLAGS]),
        (Report(frozenset({Symptom.BLURRED_VISION})), False, []),
        (Report(frozenset({Symptom.SWALLOWING_DIFFICULTY})), False, []),
        (Report(frozenset(), None, None, {ScreeningQuestion.VISION: True}), False, []),
        # A question that said nothing of whose the symptom is: is it happening now, first.
        (
            Report(frozenset({Symptom.DROOPING}), only_asked=True),
            False,
            ["happening_now", *FIRST, "treatment_date", *RED_FLAGS],
        ),
        (Report(frozenset({Symptom.DROOPING}), only_asked=True, happening_now=False), False, []),
        (
            Report(frozenset({Symptom.DROOPING}), only_asked=False, happening_now=False),
            False,
            [*FIRST, "treatment_date", *RED_FLAGS],
        ),
        # Someone close's red flag, whose treatment is untold: whose it is first, then the
        # flag decides; an emergency sign never waits.
        (Report(frozenset({Symptom.DOUBLE_VISION}), only_asked=True), False, ["happening_now"]),
        (
            Report(frozenset({Symptom.DOUBLE_VISION}), only_asked=True, happening_now=True),
            False,
            [],
        ),
        (Report(frozenset({Symptom.SWALLOWING_DIFFICULTY}), only_asked=True), False, []),
    ],
)
def test_questions_needed(report: Report, date_unknown: bool, needed: list[str]) -> None:
    assert questions_needed(report, TODAY, date_unknown) == needed


def response_texts() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [v["text"] for variants in domain["responses"].values() for v in variants if "text" in v]


def test_the_responses_say_the_rules_numbers() -> None:
    """Every settling time in the responses is the rule's, and every "N weeks" the wait."""
    texts = " ".join(" ".join(response_texts()).split())
    settling = r"settles within (\d+) to (\d+) days|(\d+) to (\d+) days to (?:fully )?settle"
    ranges = [tuple(n for n in found if n) for found in re.findall(settling, texts)]
    assert len(ranges) == texts.count(" days to settle") + texts.count("settles within")
    weeks = re.findall(r"(?<!\d to )\b(\d+|two) weeks\b", texts)  # not "2 to 4 weeks"
    assert ranges and weeks
    assert {tuple(map(int, r)) for r in ranges} == {SETTLE_DAYS}
    assert {2 if w == "two" else int(w) for w in weeks} == {WAIT_DAYS // 7}
    assert WAIT_DAYS % 7 == 0


@pytest.mark.parametrize(
    ("level", "reason", "response"),
    [
        (Level.EMERGENCY, "breathing_difficulty", "triage_emergency"),
        # Beyond the label (aftercare/lexicon/signs.yml): the NHS's, and a filler's.
        (Level.EMERGENCY, "sudden_sight_loss", "triage_emergency_sudden"),
        (Level.EMERGENCY, "fainting", "triage_emergency_sudden"),
        (Level.EMERGENCY, "chest_pain", "triage_emergency_sudden"),
        (Level.EMERGENCY, "filler_warning_sign", "triage_emergency_filler"),
        (Level.URGENT, "blurred_vision", "triage_urgent"),
        (Level.URGENT, "fever", "triage_urgent"),
        (Level.ROUTINE, Reason.NOT_IMPROVING_AFTER_WAIT.value, "triage_routine"),
        (Level.SELF_CARE, Reason.WITHIN_WAIT.value, "triage_self_care_within_14_days"),
        (Level.SELF_CARE, Reason.DATE_UNKNOWN.value, "triage_self_care_treatment_date_unknown"),
    ],
)
def test_each_decision_has_its_response_in_the_domain(
    level: Level, reason: str, response: str
) -> None:
    decision = Decision(level, (reason,))
    assert decision.response == response
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert response in domain["responses"]


@pytest.mark.parametrize(
    ("reasons", "response"),
    [
        # The label's signs come first: their reply names the toxin's spread.
        (("breathing_difficulty", "fainting"), "triage_emergency"),
        (("fainting", "filler_warning_sign"), "triage_emergency_sudden"),
        (("filler_warning_sign",), "triage_emergency_filler"),
        (("breathing_swallowing_or_speaking",), "triage_emergency"),
    ],
)
def test_an_emergency_with_several_signs_gets_the_gravest_reply(
    reasons: tuple[str, ...], response: str
) -> None:
    assert Decision(Level.EMERGENCY, reasons).response == response


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I suddenly can't see anything out of my left eye since my botox", Level.EMERGENCY),
        ("I fainted twice this afternoon after my botox", Level.EMERGENCY),
        ("crushing pain in my chest since this morning", Level.EMERGENCY),
        ("skin by my nose has gone white and blotchy blue since the filler", Level.EMERGENCY),
        ("I've got a fever and the injection spot is hot and throbbing", Level.URGENT),
        ("no fever, no chest pain, I haven't fainted, just a twitch", Level.SELF_CARE),
    ],
)
def test_the_signs_beyond_the_article_decide_on_any_day(text: str, level: Level) -> None:
    report = Report(symptoms=screen(text).present, treated_on=TODAY - timedelta(days=2))
    assert decide(report, TODAY).level is level


@pytest.mark.parametrize("reason", [r for r in Reason if r is not Reason.NOT_IMPROVING_AFTER_WAIT])
def test_every_self_care_reason_has_a_response(reason: Reason) -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert Decision(Level.SELF_CARE, (reason.value,)).response in domain["responses"]


@pytest.mark.parametrize(
    ("report", "reasons"),
    [
        # Only asked, and not happening: no decision about a symptom the patient does not have.
        (Report(frozenset({Symptom.DROOPING}), days_ago(20), only_asked=True, happening_now=False),
         (Reason.JUST_ASKING.value,)),
        # It is happening: the 2-week rule as for any report.
        (Report(frozenset({Symptom.DROOPING}), days_ago(20), False, only_asked=True,
                happening_now=True),
         (Reason.NOT_IMPROVING_AFTER_WAIT.value,)),
    ],
)  # fmt: skip
def test_a_question_only_asked_gets_no_decision_about_the_symptom(
    report: Report, reasons: tuple[str, ...]
) -> None:
    assert decide(report, TODAY).reasons == reasons
