"""How the triage's inputs and outputs are kept in slots, and read back into a report.

Plain Python: functions here take a slot mapping (``tracker.slots``) and the latest message's
entities, so they are tested without a tracker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from aftercare.symptoms import Screening, ScreeningQuestion, Symptom, Trend
from aftercare.triage import Report

SYMPTOMS = "symptoms"
DENIED_SYMPTOMS = "denied_symptoms"
SYMPTOM_DESCRIPTION = "symptom_description"
TREATMENT_DATE = "treatment_date"
TREATMENT_DATE_UNKNOWN = "treatment_date_unknown"
DATE_ATTEMPTS = "treatment_date_attempts"
UNCLEAR_ANSWERS = "unclear_answers"
TOLD_INSTEAD = "told_instead"  # "<slot asked>: <date|trend|question>", told instead
IMPROVING = "improving"
TRIAGE_LEVEL = "triage_level"
TRIAGE_REASONS = "triage_reasons"
DAYS_SINCE_TREATMENT = "days_since_treatment"
CALLBACK_OFFERED = "callback_offered"
ONLY_ASKED = "only_asked"
"""The check started from a question about a symptom that said nothing of whose it is
(``body.only_asked``; also the entity the NLU marks such a question with)."""
HAPPENING_NOW = "happening_now"
ABOUT_SOMEONE = "about_someone"
"""The check started from someone close's sign, with no word of who had the treatment
(``experiencer.whose_unclear``): the first question is "Is this about you, or someone who had
the treatment?" (also the entity the NLU marks such a message with)."""
"""Then: whether the symptom is happening to the patient now (False: only asking)."""
FOR_SOMEONE_TREATED = "for_someone_treated"
"""The writer tells of someone who had the treatment: the check speaks of them (also the NLU's
entity, on a carer's report)."""
CRISIS_OF = "crisis_of"
"""Whose crisis a message told: ``writer`` or ``someone_else`` (also the NLU's entity)."""
# The contact details' slots (callback_name, _phone, _time) are in aftercare/privacy.py, with
# the rules of when they go: the database applies them without loading the symptom screen.

DESCRIPTION_LIMIT = 2000
"""Characters of the patient's own words kept in ``symptom_description`` (the tracker keeps all)."""


def _symptoms(codes: Iterable[str] | None) -> frozenset[Symptom]:
    known = {s.value for s in Symptom}
    return frozenset(Symptom(code) for code in codes or () if code in known)


def screening_entities(screening: Screening, length: int) -> list[dict[str, Any]]:
    """A screening as NLU entities: ``symptom``, ``denied_symptom`` and ``trend``.

    They describe the whole message, so each spans all of it (``length`` characters).
    """
    found = [("symptom", s.value) for s in sorted(screening.present)]
    found += [("denied_symptom", s.value) for s in sorted(screening.absent)]
    if screening.trend is not None:
        found.append(("trend", screening.trend.value))
    return [
        {"entity": kind, "value": value, "start": 0, "end": length, "confidence": 1.0}
        for kind, value in found
    ]


BODY_CHANGE = "body_change"
"""The NLU entity that tells a change in the body: ``about_the_body``, or
``beyond_the_article`` when the article says nothing about it (``aftercare/body.py``)."""
ABOUT_THE_BODY = "about_the_body"
BEYOND_THE_ARTICLE = "beyond_the_article"


def body_change_entities(about: bool, beyond: bool, length: int) -> list[dict[str, Any]]:
    """What the message tells of a change in the body, as NLU entities spanning all of it."""
    values = [ABOUT_THE_BODY] * (about or beyond) + [BEYOND_THE_ARTICLE] * beyond
    return [
        {"entity": BODY_CHANGE, "value": value, "start": 0, "end": length, "confidence": 1.0}
        for value in values
    ]


def body_change_from_entities(entities: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """The ``body_change`` values the NLU attached to a message."""
    return frozenset(str(e.get("value")) for e in entities if e.get("entity") == BODY_CHANGE)


def only_asked_entities(length: int) -> list[dict[str, Any]]:
    """Marks a question about a symptom that says nothing of whose it is (``body.only_asked``)."""
    return [{"entity": ONLY_ASKED, "value": True, "start": 0, "end": length, "confidence": 1.0}]


def about_someone_entities(length: int) -> list[dict[str, Any]]:
    """Marks someone close's sign whose treatment the message does not tell: asked first."""
    return [
        *only_asked_entities(length),
        {"entity": ABOUT_SOMEONE, "value": True, "start": 0, "end": length, "confidence": 1.0},
    ]


def for_someone_treated_entities(length: int) -> list[dict[str, Any]]:
    """Marks a report written for someone who had the treatment ("my wife had botox and ...")."""
    return [
        {"entity": FOR_SOMEONE_TREATED, "value": True, "start": 0, "end": length, "confidence": 1.0}
    ]


def crisis_of_entities(someone_else: bool, length: int) -> list[dict[str, Any]]:
    """Marks whose crisis a message tells: the writer's, or only someone else's."""
    value = "someone_else" if someone_else else "writer"
    return [{"entity": CRISIS_OF, "value": value, "start": 0, "end": length, "confidence": 1.0}]


def about_someone_from_entities(entities: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the NLU marked the message as someone close's sign, whose treatment is untold."""
    return any(e.get("entity") == ABOUT_SOMEONE for e in entities)


def only_asked_from_entities(entities: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the NLU marked the message as a question that says nothing of whose it is."""
    return any(e.get("entity") == ONLY_ASKED for e in entities)


def screening_from_entities(entities: Iterable[Mapping[str, Any]]) -> Screening:
    """The screening the NLU component attached to a message (see :func:`screening_entities`)."""
    present: list[str] = []
    absent: list[str] = []
    trend = None
    for entity in entities:
        kind, value = entity.get("entity"), str(entity.get("value"))
        if kind == "symptom":
            present.append(value)
        elif kind == "denied_symptom":
            absent.append(value)
        elif kind == "trend" and value in {t.value for t in Trend}:
            trend = Trend(value)
    return Screening(_symptoms(present), _symptoms(absent), trend)


def screening_from_slots(slots: Mapping[str, Any]) -> Screening:
    """What the conversation has established so far about symptoms."""
    improving = slots.get(IMPROVING)
    trend = None if improving is None else Trend.IMPROVING if improving else Trend.NOT_IMPROVING
    return Screening(_symptoms(slots.get(SYMPTOMS)), _symptoms(slots.get(DENIED_SYMPTOMS)), trend)


def screening_slot_values(slots: Mapping[str, Any], latest: Screening, text: str) -> dict[str, Any]:
    """The slot values a message's screening changes; an empty dict when it changes nothing.

    A symptom once reported stays reported, and a "yes" to a red-flag question is never
    turned back into a "no" by a later message. A trend told unasked counts only when it is
    "not improving": "getting better" is asked for in so many words, as misreading a story
    as improving would wrongly keep a patient away from the clinic after day 14.
    """
    if not (latest.present or latest.absent or latest.trend):
        return {}
    known = screening_from_slots(slots)
    merged = known.merge(latest)
    values: dict[str, Any] = {}
    if merged.present != known.present:
        values[SYMPTOMS] = sorted(s.value for s in merged.present)
    if merged.absent != known.absent:
        values[DENIED_SYMPTOMS] = sorted(s.value for s in merged.absent)
    if latest.trend is Trend.NOT_IMPROVING and slots.get(IMPROVING) is not False:
        values[IMPROVING] = False
    for question in ScreeningQuestion:
        answer = merged.answer(question)
        current = slots.get(question.value)
        if answer is not None and current is not True and current != answer:
            values[question.value] = answer
    if latest.present:
        values[SYMPTOM_DESCRIPTION] = add_description(slots.get(SYMPTOM_DESCRIPTION), text)
    return values


def add_description(previous: str | None, text: str) -> str:
    """The patient's words about their symptoms so far, with ``text`` added."""
    text = " ".join(text.split())
    if previous and text in previous:
        return previous
    combined = f"{previous} | {text}" if previous else text
    return combined[:DESCRIPTION_LIMIT]


def report_from_slots(slots: Mapping[str, Any]) -> Report:
    """The triage report the slots hold."""
    treated_on = slots.get(TREATMENT_DATE)
    screening = {
        question: bool(slots[question.value])
        for question in ScreeningQuestion
        if slots.get(question.value) is not None
    }
    return Report(
        symptoms=_symptoms(slots.get(SYMPTOMS)),
        treated_on=_iso_date(treated_on),
        improving=slots.get(IMPROVING),
        screening=screening,
        only_asked=bool(slots.get(ONLY_ASKED)),
        happening_now=slots.get(HAPPENING_NOW),
    )


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
