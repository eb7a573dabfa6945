"""The triage rules: from what the patient reported to a level and its reasons.

Plain Python, no Rasa import; ``today`` is passed in. The rules, in the article's words:

* "If the condition does not improve after 2 weeks, or if you experience any of the following
  signs, return to the clinic immediately: noticeable eyelid drooping (difficulty opening the
  eyes fully); vision problems (blurred vision or double vision); persistent pain or redness at
  the injection site."
* "Botox usually takes about 10 to 14 days to fully settle into the muscles."
* Beyond the article, from the botulinum toxin label's boxed warning: trouble breathing,
  swallowing or speaking, generalised weakness (distant spread of the toxin), throat tightness
  or a swelling face (allergy) call for the emergency number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from aftercare.severity import Severity, most_severe
from aftercare.symptoms import Screening, ScreeningQuestion, Symptom

SETTLE_DAYS = (10, 14)
"""The article: "Botox usually takes about 10 to 14 days to fully settle into the muscles"."""

WAIT_DAYS = SETTLE_DAYS[-1]
"""The article's 2-week rule: a symptom not improving by this day goes back to the clinic.

``domain.yml`` says these numbers in words; ``tests/unit/test_triage.py`` ties them together.
"""


class Level(StrEnum):
    """The triage outcome, most urgent first; the value is what the slot holds."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    ROUTINE = "routine"
    SELF_CARE = "self_care"


LEVEL_FOR = {Severity.EMERGENCY: Level.EMERGENCY, Severity.RED_FLAG: Level.URGENT}
"""The level a sign decides on any day (``Severity.decides``)."""


class Reason(StrEnum):
    """Why a level was chosen, beside the symptoms themselves."""

    NOT_IMPROVING_AFTER_WAIT = "not_improving_after_14_days"
    IMPROVING_AFTER_WAIT = "improving_after_14_days"
    WITHIN_WAIT = "within_14_days"
    DATE_UNKNOWN = "treatment_date_unknown"
    NO_SYMPTOMS = "no_symptoms"
    JUST_ASKING = "just_asking"


@dataclass(frozen=True)
class Report:
    """What the patient told the bot, as the triage needs it."""

    symptoms: frozenset[Symptom] = frozenset()
    treated_on: date | None = None
    improving: bool | None = None
    screening: dict[ScreeningQuestion, bool] = field(default_factory=dict)
    only_asked: bool = False
    """The check started from a question that said nothing of whose the symptom is ("is
    drooping normal?"): whether it is happening to the patient is asked first."""
    happening_now: bool | None = None
    """The answer to that question; False: the patient was only asking."""

    def days_since_treatment(self, today: date) -> int | None:
        """Whole days from the treatment to ``today``, if the date is known."""
        return None if self.treated_on is None else (today - self.treated_on).days

    @property
    def all_symptoms(self) -> frozenset[Symptom]:
        """Reported symptoms plus those confirmed by a "yes" to a screening question."""
        confirmed = frozenset(
            symptom
            for question, answer in self.screening.items()
            if answer
            for symptom in question.confirmed(self.symptoms)
        )
        return self.symptoms | confirmed


@dataclass(frozen=True)
class Decision:
    """A triage level, the reasons for it, and when to come back if waiting is right."""

    level: Level
    reasons: tuple[str, ...]
    days_since_treatment: int | None = None
    review_on: date | None = None

    @property
    def response(self) -> str:
        """The ``domain.yml`` response that tells it: one per level, self-care one per reason.

        An emergency's reply depends on its signs' advice (``Symptom.advice``): the label's
        signs of toxin spread or allergy first, then the NHS's sudden emergencies, then a
        filler's signs (call the clinic now).
        """
        if self.level is Level.SELF_CARE:
            return f"triage_self_care_{self.reasons[0]}"
        if self.level is Level.EMERGENCY:
            advice = {Symptom(code).advice for code in self.reasons if code in _CODES}
            return next(
                (EMERGENCY_RESPONSES[a] for a in EMERGENCY_RESPONSES if a in advice),
                "triage_emergency",
            )
        return f"triage_{self.level.value}"


EMERGENCY_RESPONSES = {
    "toxin": "triage_emergency",
    "sudden": "triage_emergency_sudden",
    "filler": "triage_emergency_filler",
}
"""An emergency's reply by its signs' advice, the first that applies."""
_CODES = frozenset(symptom.value for symptom in Symptom)


def _ordered(symptoms: frozenset[Symptom]) -> tuple[str, ...]:
    order = list(Symptom)
    return tuple(s.value for s in sorted(symptoms, key=order.index))


def decide(report: Report, today: date) -> Decision:
    """Decide the triage level for a report.

    Args:
        report: the symptoms, treatment date, trend and screening answers.
        today: the date of the decision.

    Returns:
        The most urgent level the report calls for, with its reasons. A red flag or an
        emergency sign decides on any day; otherwise the 2-week rule does.
    """
    symptoms = report.all_symptoms
    days = report.days_since_treatment(today)
    if report.only_asked and report.happening_now is False:
        return Decision(Level.SELF_CARE, (Reason.JUST_ASKING.value,), days)
    found = Screening(present=symptoms)
    if found.severity.decides:
        return Decision(LEVEL_FOR[found.severity], _ordered(found.signs(found.severity)), days)
    if not symptoms:
        return Decision(Level.SELF_CARE, (Reason.NO_SYMPTOMS.value,), days)
    if days is None or report.treated_on is None:
        return Decision(Level.SELF_CARE, (Reason.DATE_UNKNOWN.value,))
    if days >= WAIT_DAYS:
        if report.improving:
            return Decision(Level.SELF_CARE, (Reason.IMPROVING_AFTER_WAIT.value,), days)
        return Decision(Level.ROUTINE, (Reason.NOT_IMPROVING_AFTER_WAIT.value,), days)
    review_on = report.treated_on + timedelta(days=WAIT_DAYS)
    return Decision(Level.SELF_CARE, (Reason.WITHIN_WAIT.value,), days, review_on)


def questions_needed(report: Report, today: date, date_unknown: bool = False) -> list[str]:
    """The form slots the decision needs, in the order to ask them, answered or not.

    The form asks the first one still empty. Nothing is needed once an emergency sign or a
    red flag is known, nor once the patient has said that the symptom they asked about is not
    happening to them; whether it is comes first, when their question did not say. Then the
    emergency question, as soon as the patient has said what they notice (as NHS 111 online
    does): a sign of toxin spread or allergy must not wait behind the date. The improvement
    question only matters from day 14 on. Every red-flag question is needed, unless the
    patient has already answered it in their own words (then its slot is filled and it is
    not asked).

    Args:
        report: what is known so far.
        today: the date of the conversation.
        date_unknown: the patient could not say when the treatment was, twice.

    Returns:
        Slot names, in the order to ask them.
    """
    if report.only_asked and report.happening_now is False:
        return []
    severity = most_severe(s.severity for s in report.all_symptoms)
    asking_whose = report.only_asked and report.happening_now is None
    if severity is Severity.EMERGENCY or (severity.decides and not asking_whose):
        return []
    needed = []
    if report.only_asked:
        needed.append("happening_now")
    if severity.decides:
        # Someone close's red flag, with no word of who had the treatment: whose it is comes
        # first, then the flag decides.
        return needed
    needed += ["symptom_description", ScreeningQuestion.EMERGENCY.value]
    if not date_unknown:
        needed.append("treatment_date")
    days = report.days_since_treatment(today)
    if days is not None and days >= WAIT_DAYS:
        needed.append("improving")
    needed.extend(q.value for q in ScreeningQuestion if q is not ScreeningQuestion.EMERGENCY)
    return needed
