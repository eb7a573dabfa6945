"""What the Rasa server can still tell a patient when the action server cannot answer.

Plain Python, no Rasa import; used by the dialogue policy ``components/failsafe_policy.py``.
Without the action server there is no triage decision, but the Rasa server still has what
the NLU screen found in the patient's message (``aftercare/screen.py``), the slots earlier
turns set, and which red-flag question was asked. That is enough to never stay silent on a
red flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from aftercare import intents, slots
from aftercare.replies import Answer, yes_no
from aftercare.severity import Severity, most_severe
from aftercare.symptoms import ScreeningQuestion

REQUESTED_SLOT = "requested_slot"


def severity_without_actions(
    slot_values: Mapping[str, Any],
    entities: Iterable[Mapping[str, Any]],
    intent: str | None,
    text: str = "",
) -> Severity:
    """The most serious sign the patient has reported that no decision has answered yet.

    Args:
        slot_values: the conversation's slots (``tracker.current_slot_values()``).
        entities: the latest message's entities, with the screen's ``symptom`` entities.
        intent: the latest message's intent.
        text: the latest message's words ("yes, mostly when I look to the side").

    Returns:
        ``EMERGENCY`` for an emergency sign, ``RED_FLAG`` for an article red flag, else
        ``EXPECTED``. A sign in the latest message always counts, also a "yes" (or doubt) to
        the red-flag question being asked; what earlier turns established counts until a
        triage decision has been given for it.
    """
    latest = slots.screening_from_entities(entities)
    decided = slot_values.get(slots.TRIAGE_LEVEL) is not None
    known = latest if decided else slots.screening_from_slots(slot_values).merge(latest)
    confirmed = {
        question
        for question in ScreeningQuestion
        if not decided and slot_values.get(question.value) is True
    }
    says_yes = intent == intents.AFFIRM or yes_no(text) in (Answer.YES, Answer.UNSURE)
    if says_yes and slot_values.get(REQUESTED_SLOT) in set(ScreeningQuestion):
        confirmed.add(ScreeningQuestion(slot_values[REQUESTED_SLOT]))
    return most_severe([known.severity, *(question.severity for question in confirmed)])
