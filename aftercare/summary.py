"""The ten-second summary a nurse reads on a referral. Plain Python, no Rasa import."""

from __future__ import annotations

import re
from collections.abc import Sequence

LEVEL_HEADLINES = {
    "crisis": "CRISIS: thoughts of suicide or self-harm, given the help lines",
    "emergency": "EMERGENCY: told to call the emergency number now",
    "urgent": "URGENT: red flag, told to return to the clinic today",
    "routine": "ROUTINE: not improving at 2 weeks, told to come back to the clinic",
}


# The findings are the patient's replies' words ("a problem with your vision"); the nurse
# reads of the patient in the third person ("a problem with their vision").
_THIRD_PERSON = {
    "you're": "they're",
    "you've": "they've",
    "you'd": "they'd",
    "yourself": "themselves",
    "yours": "theirs",
    "your": "their",
    "you": "they",
}
_SECOND_PERSON = re.compile(r"\b(?:" + "|".join(_THIRD_PERSON) + r")\b", re.IGNORECASE)


def in_third_person(text: str) -> str:
    """``text`` said of the patient, in the third person.

    "that you can't open your eye" becomes "that they can't open their eye".
    """
    return _SECOND_PERSON.sub(lambda found: _THIRD_PERSON[found.group().lower()], text)


def summarise(level: str, findings: Sequence[str], days_since_treatment: int | None) -> str:
    """E.g. "URGENT: red flag, told to return to the clinic today. Blurred vision. Day 4.".

    Args:
        level: the triage level (``emergency``, ``urgent``, ``routine``).
        findings: what led there, in the replies' words ("blurred vision", "a problem with
            your vision"); the summary says them of the patient, in the third person.
        days_since_treatment: None when the patient didn't know the date.
    """
    parts = [LEVEL_HEADLINES.get(level, level.upper())]
    if findings:
        text = in_third_person(", ".join(findings))
        parts.append(text[0].upper() + text[1:])
    if days_since_treatment is None:
        parts.append("Treatment date unknown")
    else:
        parts.append(f"Day {days_since_treatment} after treatment")
    return ". ".join(parts) + "."
