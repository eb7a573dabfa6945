"""The hand-over to the clinic: the callback form, its outcome, and "delete my data".

Thin glue over :mod:`handover` (contact checks, summary, SQL store). Nothing is stored before
the patient confirms the read-back; refusing, stopping or "no" clears the form's slots, and
sets ``forget_contact_details``: the tracker store then rewrites the stored messages, slots and
read-back that held the details (``aftercare/privacy.py``).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from aftercare import clinic, privacy, slots
from aftercare.config import ConfigError
from handover import contact
from handover.store import Handover
from storage import database

logger = logging.getLogger(__name__)

CALLBACK_OFFERED = slots.CALLBACK_OFFERED
CALLBACK_NAME = privacy.CALLBACK_NAME
CALLBACK_PHONE = privacy.CALLBACK_PHONE
CALLBACK_TIME = privacy.CALLBACK_TIME
CALLBACK_SLOTS = privacy.CALLBACK_SLOTS
ERASE_CONVERSATION = database.ERASE_SLOT
"""Set by action_delete_my_data: the tracker store then erases the conversation's events."""
FORGET_CONTACT = database.FORGET_SLOT
"""Set when details were not confirmed: the tracker store then rewrites the events with them."""


def log_failure(what: str, error: Exception) -> None:
    """A database's failure with its traceback; a bad setting in one line that says what to fix."""
    if isinstance(error, ConfigError):
        logger.error("%s: %s", what, error)
    else:
        logger.exception(what)


def cleared_callback() -> list[EventType]:
    """Forgets the callback form's answers and the offer."""
    return [SlotSet(slot, None) for slot in CALLBACK_SLOTS] + [SlotSet(CALLBACK_OFFERED, False)]


class ValidateCallbackForm(FormValidationAction):
    """Checks the name, phone number and time the patient gives for a callback."""

    def name(self) -> str:
        """Run by Rasa for every answer in callback_form."""
        return "validate_callback_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Checks the answer; a sign that decides the triage stops the form first.

        "I can't breathe" typed where the name was asked is no name: the form ends without
        keeping what was given so far, and ``action_triage`` answers the sign (the emergency
        number, or the clinic today) and records it for the clinic.
        """
        latest = slots.screening_from_entities(tracker.latest_message.get("entities") or [])
        if not latest.severity.decides:
            return await super().run(dispatcher, tracker, domain)
        text = tracker.latest_message.get("text") or ""
        values = slots.screening_slot_values(tracker.slots, latest, text)
        values[slots.SYMPTOM_DESCRIPTION] = slots.add_description(
            tracker.get_slot(slots.SYMPTOM_DESCRIPTION), text
        )
        return [
            *(SlotSet(slot, value) for slot, value in values.items()),
            *(SlotSet(slot, None) for slot in CALLBACK_SLOTS),
            SlotSet(FORGET_CONTACT, True),
            SlotSet(REQUESTED_SLOT, None),
            FollowupAction("action_triage"),
        ]

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A name of letters (accents, apostrophes, hyphens), at most 80 characters."""
        name = contact.clean_name(str(value or ""))
        if name is None:
            dispatcher.utter_message(response="callback_name_invalid")
        return {CALLBACK_NAME: name}

    def validate_callback_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A valid number, read as the clinic's country's when it has no +code."""
        e164 = contact.normalise_phone(str(value or ""), clinic.load().country)
        if e164 is None:
            dispatcher.utter_message(response="callback_phone_invalid")
            return {CALLBACK_PHONE: None}
        return {CALLBACK_PHONE: contact.display_phone(e164)}

    def validate_callback_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A few words on when to call."""
        time = contact.clean_time(str(value or ""))
        if time is None:
            dispatcher.utter_message(response="callback_time_invalid")
        return {CALLBACK_TIME: time}


class ActionSaveCallback(Action):
    """Stores the confirmed contact details on the conversation's referral."""

    def name(self) -> str:
        """Run when the patient confirms the read-back."""
        return "action_save_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Saves, says so, and forgets the details in the conversation's slots."""
        name, phone, time = (tracker.get_slot(slot) for slot in CALLBACK_SLOTS)
        e164 = contact.normalise_phone(str(phone or ""), clinic.load().country)
        saved = None
        if name and e164 and time:
            try:
                saved = Handover.configured().save_callback(
                    tracker.sender_id, name=name, phone=e164, time=time, now=datetime.now(UTC)
                )
            except (SQLAlchemyError, ConfigError) as error:
                log_failure("Could not store a callback request", error)
        dispatcher.utter_message(response="callback_saved" if saved else "callback_unavailable")
        return cleared_callback()


class ActionDiscardCallback(Action):
    """The patient declined, refused the read-back or stopped: nothing is kept."""

    def name(self) -> str:
        """Run on "no" to the offer or the read-back, and on stop in the form."""
        return "action_discard_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Says nothing was kept, clears the form's slots and has the stored details forgotten.

        The referral is marked "declined" for the clinic's staff, so that a nurse knows the
        patient chose not to be called (a failure to write that is logged; the patient is told
        how to reach the clinic all the same).
        """
        try:
            Handover.configured().decline_callback(tracker.sender_id, now=datetime.now(UTC))
        except (SQLAlchemyError, ConfigError) as error:
            log_failure("Could not mark a callback declined", error)
        dispatcher.utter_message(response="callback_discarded")
        return [*cleared_callback(), SlotSet(FORGET_CONTACT, True)]


class ActionDeleteMyData(Action):
    """Erases the conversation's referrals; the tracker store erases its events.

    The Rasa server saves this turn after the action has run, so the conversation's events
    are deleted there (components/tracker_store.py), when the turn sets ``erase_conversation``.
    """

    def name(self) -> str:
        """Run when the patient confirms "delete my data"."""
        return "action_delete_my_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Deletes the referral records of this conversation and confirms it."""
        try:
            Handover.configured().erase_referrals(tracker.sender_id)
        except (SQLAlchemyError, ConfigError) as error:
            log_failure("Could not erase a conversation's referrals", error)
            dispatcher.utter_message(response="data_delete_failed")
            return []
        dispatcher.utter_message(response="data_deleted")
        return [SlotSet(ERASE_CONVERSATION, True)]
