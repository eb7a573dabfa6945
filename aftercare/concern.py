"""A patient in crisis or in deep distress, read from their words before anything else.

Plain Python, no Rasa import. The words are data (``aftercare/lexicon/crisis.yml``, with its
sources); this reads them. A message is read whole, however long, and as mended when a word
in it is misspelt ("sucidal", ``aftercare/spelling.py``): reading a few phrase lists is cheap,
and a crisis in the middle of a long letter must not go unseen. Figures of speech ("this
twitch is killing me") and denials ("I'm not suicidal, just asking") are set aside first;
then the first level whose phrases match decides.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum
from typing import Any

from aftercare.lexicon import compile_phrases, load
from aftercare.limits import SCREENED_HEAD, SCREENED_TAIL
from aftercare.spelling import mended
from aftercare.text import head_and_tail, normalise

READ_CHARACTERS = 100_000
"""How much of a message is read as written: more than any channel lets through."""
MENDED_HEAD, MENDED_TAIL = SCREENED_HEAD, SCREENED_TAIL
"""How much of it is also read as mended: as much as the symptom screen reads."""


class Concern(StrEnum):
    """How worried to be for the patient's safety, least first; the value is the slot's."""

    NONE = "none"
    DISTRESS = "distress"  # acknowledge, offer help, and ask about thoughts of harm
    UNCLEAR = "unclear"  # may be thoughts of harm: ask gently, with the help line
    CRISIS = "crisis"  # thoughts of suicide or self-harm: the help lines, first and alone

    @property
    def rank(self) -> int:
        """The step: 0 for none, 3 for a crisis."""
        return list(Concern).index(self)


_READ_ORDER = (Concern.CRISIS, Concern.UNCLEAR, Concern.DISTRESS)
_SET_ASIDE = " | "
"""What a figure of speech or a denial is replaced with: a break no phrase reads across."""


@functools.cache
def _lexicon() -> tuple[re.Pattern[str], re.Pattern[str], dict[Concern, re.Pattern[str]]]:
    data = load("crisis")
    figures = compile_phrases(data["figures_of_speech"]["phrases"])
    denials = compile_phrases(data["denials"]["phrases"])
    levels = {level: compile_phrases(_phrases(data, level)) for level in _READ_ORDER}
    return figures, denials, levels


def _phrases(data: dict[str, Any], level: Concern) -> list[str]:
    """A level's phrases; a crisis's include those told of someone else."""
    entry = data["levels"][level.value]
    return [*entry["phrases"], *entry.get("for_someone_else", {}).get("phrases", [])]


@functools.cache
def _own_crisis() -> re.Pattern[str]:
    return compile_phrases(load("crisis")["levels"][Concern.CRISIS.value]["phrases"])


@functools.cache
def _harm_words() -> re.Pattern[str]:
    return compile_phrases(load("crisis")["figures_of_speech"]["harm_words"])


def _read(text: str) -> Concern:
    figures, denials, levels = _lexicon()
    text = denials.sub(_SET_ASIDE, figures.sub(_SET_ASIDE, text))
    for level in _READ_ORDER:
        if levels[level].search(text):
            return level
    return Concern.NONE


def assess(text: str) -> Concern:
    """How worried to be for the patient who wrote ``text``.

    Args:
        text: the patient's message, as written.

    Returns:
        The most serious concern the message as written, or as mended, gives.
    """
    written = normalise(text[:READ_CHARACTERS])
    found = _read(written)
    if found is Concern.CRISIS:
        return found
    fixed = mended(head_and_tail(written, MENDED_HEAD, MENDED_TAIL))
    if fixed == written[: len(fixed)]:
        return found
    return max(found, _read(fixed), key=lambda concern: concern.rank)


@functools.cache
def _worry() -> re.Pattern[str]:
    return compile_phrases(load("crisis")["worry_about_the_result"]["phrases"])


def worry_about_the_result(text: str) -> bool:
    """Whether ``text`` worries about the treatment's result ("have I ruined it?").

    The intent classifier alone may take such a worry for distress; it is a question about
    the treatment, answered as one. Words of distress are read by :func:`assess`, not here.

    Args:
        text: the message, as written.

    Returns:
        True when the message holds a worry about the result in the lexicon's words.
    """
    return bool(_worry().search(normalise(text[:READ_CHARACTERS])))


def crisis_of_someone_else(text: str) -> bool:
    """Whether the only crisis ``text`` tells is someone else's.

    "My daughter says she wants to hurt herself since the botox": the help lines are for
    her, and the reply speaks of her. A message that also tells the writer's own crisis is
    the writer's.

    Args:
        text: the message, as written.

    Returns:
        True when the message tells a crisis, and all of it is someone else's.
    """
    figures, denials, levels = _lexicon()
    written = normalise(text[:READ_CHARACTERS])
    written = denials.sub(_SET_ASIDE, figures.sub(_SET_ASIDE, written))
    return bool(levels[Concern.CRISIS].search(written)) and not _own_crisis().search(written)


def warm_up() -> None:
    """Reads and compiles the lexicon now rather than on the first message."""
    _lexicon()
    _own_crisis()
    _worry()
    _harm_words()


def figurative(text: str) -> bool:
    """Whether the only words of death or harm in ``text`` are figures of speech.

    "This twitch is killing me": the intent classifier, which reads meaning, is not trusted
    with a crisis there. "I wanna die. this twitch is killing me" is no figure of speech.
    """
    figures, denials, _ = _lexicon()
    written = normalise(text[:READ_CHARACTERS])
    rest, found = figures.subn(_SET_ASIDE, written)
    return bool(found) and not _harm_words().search(denials.sub(_SET_ASIDE, rest))


def examples() -> dict[str, dict[str, list[str]]]:
    """The lexicon's examples, by level: what ``must`` be read so, and what ``must_not``."""
    data = load("crisis")
    found = {
        level: {
            "must": list(entry.get("must", [])),
            "must_not": list(entry.get("must_not", [])),
        }
        for level, entry in data["levels"].items()
    }
    found[Concern.NONE.value] = {
        "must": list(data["figures_of_speech"].get("must_not_be_a_concern", [])),
        "must_not": [],
    }
    return found
