"""The one severity ladder: expected, red flag, emergency; and what each step calls for.

Plain Python. Every part that weighs a symptom climbs this ladder and no other: the triage
decision and the questions it still needs (``aftercare/triage.py``), the fail-safe answer
when the action server is down (``aftercare/fallback_advice.py``), and the message screener that
starts the check (``components/message_screener.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Severity(StrEnum):
    """How a symptom weighs in the triage, least severe first."""

    EXPECTED = "expected"  # the article's common, temporary side effects
    RED_FLAG = "red_flag"  # the article's "return to the clinic immediately" signs
    EMERGENCY = "emergency"  # the botulinum toxin label's boxed warning: spread or allergy

    @property
    def rank(self) -> int:
        """The step on the ladder: 0 for expected, 2 for an emergency."""
        return _LADDER.index(self)

    @property
    def decides(self) -> bool:
        """Whether this alone decides the triage, on any day: a red flag or an emergency.

        Then no date, trend or further question can lower the answer, and none is asked.
        """
        return self is not Severity.EXPECTED


_LADDER = (Severity.EXPECTED, Severity.RED_FLAG, Severity.EMERGENCY)


def most_severe(severities: Iterable[Severity]) -> Severity:
    """The highest step among ``severities``; ``EXPECTED`` when there are none."""
    return max(severities, key=_LADDER.index, default=Severity.EXPECTED)
