"""The ten-second summary a nurse reads on a referral. Plain Python, no Rasa import."""

from __future__ import annotations

from collections.abc import Sequence

LEVEL_HEADLINES = {
    "crisis": "CRISIS: thoughts of suicide or self-harm, given the help lines",
    "emergency": "EMERGENCY: told to call the emergency number now",
    "urgent": "URGENT: red flag, told to return to the clinic today",
    "routine": "ROUTINE: not improving at 2 weeks, told to come back to the clinic",
}


def summarise(level: str, findings: Sequence[str], days_since_treatment: int | None) -> str:
    """E.g. "URGENT: red flag, told to return to the clinic today. Blurred vision. Day 4.".

    Args:
        level: the triage level (``emergency``, ``urgent``, ``routine``).
        findings: what led there, in words ("blurred vision", "eye twitching").
        days_since_treatment: None when the patient didn't know the date.
    """
    parts = [LEVEL_HEADLINES.get(level, level.upper())]
    if findings:
        text = ", ".join(findings)
        parts.append(text[0].upper() + text[1:])
    if days_since_treatment is None:
        parts.append("Treatment date unknown")
    else:
        parts.append(f"Day {days_since_treatment} after treatment")
    return ". ".join(parts) + "."
