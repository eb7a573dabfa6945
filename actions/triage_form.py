"""``validate_triage_form``: what the triage form asks, and how answers are read.

The questions still needed come from :func:`aftercare.triage.questions_needed`; the
reading of dates and symptoms from ``aftercare/dates.py`` and the NLU component's entities.
A question the patient asks in the middle of the form (an FAQ, "talk to a person", "stop")
is not taken for an answer: nothing is extracted, the form is rejected and a rule answers
the question before the form asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rasa_sdk import Tracker, utils
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.article import article_answers, give_answers
from aftercare import clinic, intents, slots
from aftercare.body import tells_own_change
from aftercare.dates import DateProblem, parse_treatment_date, treatment_date_in_report
from aftercare.experiencer import answers_for_someone_treated, whose_answer
from aftercare.questions import asks_question
from aftercare.replies import Answer, read_unclear, yes_no
from aftercare.screen import asks_about_warning_signs
from aftercare.symptoms import Screening, ScreeningQuestion, Trend
from aftercare.triage import questions_needed

INTERRUPTING_INTENTS = frozenset(
    {
        intents.FAQ,
        intents.ASK_WARNING_SIGNS,
        intents.GREET,
        intents.GOODBYE,
        intents.THANK,
        intents.BOT_CHALLENGE,
        intents.ASK_HUMAN,
        intents.OUT_OF_SCOPE,
        intents.NON_ENGLISH,
        intents.STOP,
        intents.DELETE_DATA,
        *intents.CONCERNS,
    }
)
"""Intents that ask something of the bot rather than answer its question."""

ASKING_INTENTS = frozenset(
    {
        intents.FAQ,
        intents.ASK_WARNING_SIGNS,
        intents.ASK_HUMAN,
        intents.STOP,
        intents.DELETE_DATA,
        intents.GOODBYE,
        *intents.CONCERNS,
    }
)
"""Interrupting intents that stay interruptions even when the reply starts with a yes or a no."""

DATE_ATTEMPTS_BEFORE_GIVING_UP = 2
"""An unusable treatment date is asked once more, then the triage goes on without it."""

UNCLEAR = "unclear"
"""What an extractor hands its validator for a reply that is neither yes nor no."""

SCREENING_SLOTS = frozenset(question.value for question in ScreeningQuestion)


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _answers_requested(tracker: Tracker, slot: str) -> bool:
    """Whether the latest message is the patient's answer to the question for ``slot``.

    A reply that starts like a yes or a no answers, whatever the classifier made of the rest
    ("no thanks, it opens fine"), unless it asks the bot for something else. Taken for an
    article question, it answers unless it asks one: "injection points look normal" is no
    question about bruising, and read as one it was asked again for ever.
    """
    if tracker.get_slot(REQUESTED_SLOT) != slot:
        return False
    intent = _intent(tracker)
    if intent not in INTERRUPTING_INTENTS:
        return True
    text = tracker.latest_message.get("text") or ""
    if yes_no(text) is None:
        return False
    return intent not in ASKING_INTENTS or (intent == intents.FAQ and not asks_question(text))


@dataclass(frozen=True)
class SafeReading:
    """How a yes-or-no question treats an answer that is neither."""

    value: bool
    """What a second unclear answer counts as: the reading that keeps the patient safe."""
    ask_again: str
    """The response that asks once more."""
    taken_as: str
    """The response that says how the second unclear answer was read."""


def _safe_reading(
    slot: str,
    value: Any,
    reading: SafeReading,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
) -> dict[str, Any]:
    """A clear answer as it is; an unclear one asked again once, then read the safe way.

    ``None`` is a reply that told something else: the question stays open, and the count of
    unclear answers stays as it was.
    """
    if value is None:
        return {slot: None}
    if value != UNCLEAR:
        return {slot: value, slots.UNCLEAR_ANSWERS: 0}
    read = read_unclear(int(tracker.get_slot(slots.UNCLEAR_ANSWERS) or 0), reading.value)
    said = reading.ask_again if read.value is None else reading.taken_as
    dispatcher.utter_message(response=said)
    return {slot: read.value, slots.UNCLEAR_ANSWERS: read.unclear_answers}


def _answer(tracker: Tracker) -> Answer | None:
    """The latest message as an answer to a yes-or-no question: intent first, then words."""
    by_intent = {
        intents.AFFIRM: Answer.YES,
        intents.DENY: Answer.NO,
        intents.DONT_KNOW: Answer.UNSURE,
    }
    found = by_intent.get(_intent(tracker) or "")
    return found or yes_no(tracker.latest_message.get("text") or "")


BARE_DATE_WORDS = 8
"""A reply this short that reads as a date, given during the check, is the treatment's date
("it was two and a half weeks ago")."""


def _latest_screening(tracker: Tracker) -> Screening:
    """What the message screener found in the latest message (its NLU entities)."""
    return slots.screening_from_entities(tracker.latest_message.get("entities") or [])


def _bare_date(tracker: Tracker) -> date | None:
    """The date of a short reply that is only a date ("5 days ago", "last Tuesday")."""
    text = tracker.latest_message.get("text") or ""
    if len(text.split()) > BARE_DATE_WORDS or _latest_screening(tracker).present:
        return None
    return parse_treatment_date(text, clinic.today(), clinic.load().date_order).treated_on


def _told_date(tracker: Tracker) -> date | None:
    """The treatment's date a reply tells, if it tells one.

    Tied to the treatment ("I had my botox 16 days ago"), or a short reply that is only a
    date ("it was two and a half weeks ago").
    """
    text = tracker.latest_message.get("text") or ""
    told = treatment_date_in_report(text, clinic.today(), clinic.load().date_order)
    return told or _bare_date(tracker)


def _told_something_else(tracker: Tracker) -> str | None:
    """What a reply that is no yes or no tells instead: ``question``, ``trend`` or ``date``.

    Then it is no unclear answer: what it tells is kept ("I had it 16 days ago" is the date,
    "it's still there" the trend, whichever question is pending), and the question is asked
    again without "I need a yes or a no". Only a reply that reads as none of these ("hmm",
    "just the twitch") is unclear, and read the safe way the second time.
    """
    if asks_question(tracker.latest_message.get("text") or ""):
        return "question"
    if _latest_screening(tracker).trend is not None:
        return "trend"
    return "date" if _told_date(tracker) is not None else None


def _told_instead(tracker: Tracker, slot: str) -> dict[str, Any] | None:
    """A reply to ``slot``'s question that tells something else instead, read as such.

    Such a reply is kept and the question asked again (:func:`_told_something_else`). The
    slot is returned still empty, so that Rasa sees the reply read and does not reject the
    form ("it's getting a bit better" to the eyelid question got "I didn't understand"), and
    ``told_instead`` remembers the question and the kind of reply. The same kind again to
    the same question (the same trend, the same date) is trying to answer it: ``None``, so it
    is read as unclear and the check never asks for ever. Another kind ("I had it 16 days
    ago", then "it's still there") is read as well.
    """
    kind = _told_something_else(tracker)
    told = f"{slot}: {kind}"
    if kind is None or tracker.get_slot(slots.TOLD_INSTEAD) == told:
        return None
    return {slot: None, slots.TOLD_INSTEAD: told}


class ValidateTriageForm(FormValidationAction):
    """Collects only what the triage rules still need to decide safely."""

    def name(self) -> str:
        """The validation action of ``triage_form``."""
        return "validate_triage_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Records what the message says about symptoms, answers its question, asks the next.

        The report that starts the check ("my lid looks heavy, will it settle?") gets the
        article's answer on that symptom first, then the check goes on; later in the check,
        a report gets it when it asks something. The report that starts the check is the
        description, even when no symptom in it is recognised.
        """
        latest = _latest_screening(tracker)
        text = tracker.latest_message.get("text") or ""
        # Nothing asked yet: the message that started the check.
        starting = tracker.get_slot(REQUESTED_SLOT) is None
        reported = _intent(tracker) == intents.REPORT_SYMPTOM
        values = slots.screening_slot_values(tracker.slots, latest, text)
        if starting:
            # "is drooping normal?" says nothing of whose it is: asked first (happening_now).
            entities = tracker.latest_message.get("entities") or []
            values[slots.ONLY_ASKED] = reported and slots.only_asked_from_entities(entities)
            values[slots.ABOUT_SOMEONE] = reported and slots.about_someone_from_entities(entities)
            values[slots.HAPPENING_NOW] = None
            values[slots.TOLD_INSTEAD] = None
        if starting and reported and text.strip():
            if not tracker.get_slot(slots.SYMPTOM_DESCRIPTION):
                values[slots.SYMPTOM_DESCRIPTION] = slots.add_description(None, text)
            if not (latest.present or tracker.get_slot(slots.SYMPTOMS)):
                values[slots.SYMPTOMS] = ["other"]
        pending = tracker.get_slot(REQUESTED_SLOT)
        if values.get(slots.IMPROVING) is False and pending not in (None, slots.IMPROVING):
            # "It's still there", told in answer to another question: said back.
            dispatcher.utter_message(response="noted_not_improving")
        tracker.slots.update(values)
        urgent = latest.severity.decides
        articles = article_answers(tracker)
        asking = reported and not urgent and (starting or asks_question(text))
        if asking and asks_about_warning_signs(text):
            # "A friend says botox can close your throat, could it happen to me? I'm fine,
            # just a twitch": the warning signs, then the check of the twitch.
            dispatcher.utter_message(response="utter_warning_signs")
        if asking:
            give_answers(dispatcher, tracker, articles)
        if articles and reported and not urgent and (starting or asks_question(text)):
            values.setdefault(
                slots.SYMPTOM_DESCRIPTION, tracker.get_slot(slots.SYMPTOM_DESCRIPTION)
            )
        events = [SlotSet(key, value) for key, value in values.items()]
        return events + await super().run(dispatcher, tracker, domain)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Validates every slot this message filled.

        The SDK validates only the slots still required, so it would drop an answer that makes
        the rest unnecessary, such as a "yes" to a red-flag question.
        """
        events: list[EventType] = []
        for name, value in tracker.slots_to_validate().items():
            validate = getattr(self, f"validate_{name}", None)
            result = {name: value}
            if name in SCREENING_SLOTS:
                result = self._validate_screening(
                    ScreeningQuestion(name), value, dispatcher, tracker
                )
            elif validate is not None:
                result = await utils.call_potential_coroutine(
                    validate(value, dispatcher, tracker, domain)
                )
            tracker.slots.update(result)
            events += [SlotSet(key, val) for key, val in result.items()]
        return events

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """The first slot the decision still needs; ``None`` ends the form."""
        needed = await self.required_slots([], dispatcher, tracker, domain)
        missing = (name for name in needed if tracker.get_slot(name) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The slots the decision needs; the form asks the first one still empty."""
        return questions_needed(
            slots.report_from_slots(tracker.slots),
            clinic.today(),
            date_unknown=bool(tracker.get_slot(slots.TREATMENT_DATE_UNKNOWN)),
        )

    # --- Whether it is happening to the patient ------------------------------------------

    async def extract_happening_now(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The answer to "Is this happening to you now?": a yes, a no, or the symptom told."""
        if (
            not _answers_requested(tracker, slots.HAPPENING_NOW)
            or tracker.get_slot(slots.HAPPENING_NOW) is not None
        ):
            return {}
        if tracker.get_slot(slots.ABOUT_SOMEONE):
            # "Is this about you, or someone who had the treatment?", typed: "me", "my sister,
            # she had it", "he didn't have any".
            text = tracker.latest_message.get("text") or ""
            whose = whose_answer(text)
            if whose is not None:
                # "my sister, she had it": the check then speaks of her.
                someone = answers_for_someone_treated(text)
                return {
                    slots.HAPPENING_NOW: whose,
                    **({slots.FOR_SOMEONE_TREATED: True} if someone else {}),
                }
        answer = _answer(tracker)
        if answer is Answer.NO:
            return {slots.HAPPENING_NOW: False}
        if answer is not None:  # a yes, or doubt: the check goes on, which is the safe way
            return {slots.HAPPENING_NOW: True}
        if _latest_screening(tracker).present or tells_own_change(
            tracker.latest_message.get("text") or ""
        ):
            return {slots.HAPPENING_NOW: True}  # "my left lid is heavy": it is
        return _told_instead(tracker, slots.HAPPENING_NOW) or {slots.HAPPENING_NOW: UNCLEAR}

    def validate_happening_now(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Asks again once; a second unclear answer counts as "yes": the check goes on."""
        return _safe_reading(
            slots.HAPPENING_NOW,
            value,
            SafeReading(True, "please_answer_yes_no", "unclear_answer_taken_as_yes"),
            dispatcher,
            tracker,
        )

    # --- What the patient describes -----------------------------------------------------

    async def extract_symptom_description(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Their own words, when they answer "what are you noticing?"."""
        if not _answers_requested(tracker, slots.SYMPTOM_DESCRIPTION):
            return {}
        text = tracker.latest_message.get("text") or ""
        return {slots.SYMPTOM_DESCRIPTION: slots.add_description(None, text)}

    def validate_symptom_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A description no symptom was recognised in is kept as "other" (or "none")."""
        if not str(value or "").strip():
            dispatcher.utter_message(response="symptom_description_empty")
            return {slots.SYMPTOM_DESCRIPTION: None}
        if tracker.get_slot(slots.SYMPTOMS) or _intent(tracker) == intents.DENY:
            return {slots.SYMPTOM_DESCRIPTION: value}
        return {slots.SYMPTOM_DESCRIPTION: value, slots.SYMPTOMS: ["other"]}

    # --- When the treatment was -----------------------------------------------------------

    async def extract_treatment_date(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The patient's answer, or a date they gave with the treatment in a report.

        A date that parses is an answer whatever the intent classifier made of it; anything
        else is an answer unless the patient asked something (then the form is rejected).
        """
        text = tracker.latest_message.get("text") or ""
        if tracker.get_slot(REQUESTED_SLOT) == slots.TREATMENT_DATE:
            parsed = parse_treatment_date(text, clinic.today(), clinic.load().date_order)
            if parsed.treated_on is not None:
                return {slots.TREATMENT_DATE: parsed.treated_on.isoformat()}
            return (
                {slots.TREATMENT_DATE: text}
                if _answers_requested(tracker, slots.TREATMENT_DATE)
                else {}
            )
        found = treatment_date_in_report(text, clinic.today(), clinic.load().date_order)
        known = tracker.get_slot(slots.TREATMENT_DATE)
        if found is None:
            found = _bare_date(tracker)
            if found is not None and known is not None and found.isoformat() != known:
                # A short date with the date already known ("since Monday" may be when the
                # symptom began): the treatment's date stays, and the pending question is
                # asked again, rather than "what can I help you with?".
                return {slots.TREATMENT_DATE: known}
        if found is None:
            return {}
        if tracker.get_slot(REQUESTED_SLOT) is not None:
            # Told in answer to another question: said back, so the patient knows it counts.
            dispatcher.utter_message(response="noted_treatment_date", day=f"{found:%-d %B}")
        return {slots.TREATMENT_DATE: found.isoformat()}

    def validate_treatment_date(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Turns the answer into a date; explains and asks again, once, if it cannot."""
        result = parse_treatment_date(str(value or ""), clinic.today(), clinic.load().date_order)
        if result.treated_on is not None:
            return {slots.TREATMENT_DATE: result.treated_on.isoformat(), slots.DATE_ATTEMPTS: 0}
        attempts = int(tracker.get_slot(slots.DATE_ATTEMPTS) or 0) + 1
        if attempts >= DATE_ATTEMPTS_BEFORE_GIVING_UP:
            dispatcher.utter_message(response="date_unknown_safe_advice")
            return {
                slots.TREATMENT_DATE: None,
                slots.TREATMENT_DATE_UNKNOWN: True,
                slots.DATE_ATTEMPTS: attempts,
            }
        problem = result.problem or DateProblem.NOT_UNDERSTOOD
        dispatcher.utter_message(response=f"date_{problem.value}")
        return {slots.TREATMENT_DATE: None, slots.DATE_ATTEMPTS: attempts}

    # --- Is it getting better ---------------------------------------------------------------

    async def extract_improving(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The answer to "is it getting better?" (a trend described unasked is read in run)."""
        if (
            not _answers_requested(tracker, slots.IMPROVING)
            or tracker.get_slot(slots.IMPROVING) is not None
        ):
            return {}
        trend = _latest_screening(tracker).trend
        if trend is not None:
            return {slots.IMPROVING: trend is Trend.IMPROVING}
        answer = _answer(tracker)
        if answer is Answer.YES:
            return {slots.IMPROVING: True}
        if answer is Answer.NO:
            return {slots.IMPROVING: False}
        told = _told_instead(tracker, slots.IMPROVING) if answer is None else None
        return told or {slots.IMPROVING: UNCLEAR}

    def validate_improving(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Asks again once; a second unclear answer counts as "not improving"."""
        return _safe_reading(
            slots.IMPROVING,
            value,
            SafeReading(False, "please_answer_improving", "unclear_improving_taken_as_no"),
            dispatcher,
            tracker,
        )

    # --- The red-flag questions, one loop for all ----------------------------------------

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The ``extract_<slot>`` methods, and one reading for every red-flag question."""
        extracted: dict[str, Any] = {}
        for slot in await self.required_slots([], dispatcher, tracker, domain):
            if slot in SCREENING_SLOTS:
                values = self._screening_answer(ScreeningQuestion(slot), tracker)
            else:
                extract = getattr(self, f"extract_{slot}", None)
                values = await extract(dispatcher, tracker, domain) if extract else {}
            extracted.update(values)
            tracker.slots.update(values)
        return [SlotSet(slot, value) for slot, value in extracted.items()]

    def _screening_answer(self, question: ScreeningQuestion, tracker: Tracker) -> dict[str, Any]:
        """A yes (doubt included: the safe reading) or a no to a red-flag question."""
        if (
            not _answers_requested(tracker, question.value)
            or tracker.get_slot(question.value) is not None
        ):
            return {}
        answer = _answer(tracker)
        if answer is None:
            by_trend = question.answered_by_trend(_latest_screening(tracker).trend)
            if by_trend is not None:
                return {question.value: by_trend}
            told = _told_instead(tracker, question.value)
            if told:
                return told
        reading = {Answer.YES: True, Answer.UNSURE: True, Answer.NO: False}
        return {question.value: reading.get(answer, UNCLEAR) if answer else UNCLEAR}

    def _validate_screening(
        self,
        question: ScreeningQuestion,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        """Asks again once; a second unclear answer counts as "yes", the safe reading."""
        reading = SafeReading(True, "please_answer_yes_no", "unclear_answer_taken_as_yes")
        return _safe_reading(question.value, value, reading, dispatcher, tracker)
