"""Whether a message tells of a change in the patient's body, and whether it is their own.

Plain Python, no Rasa import. An answer that says the article does not cover something gets
the safety net when the message is about the body ("a headache since my botox"), never when
it is not ("can I fly?"); a change the article says nothing about ("I feel sick") gets the
net beside any answer. The words are data: ``aftercare/lexicon/body.yml``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from aftercare.experiencer import aside, for_someone_treated, in_first_person
from aftercare.lexicon import compile_phrases, load
from aftercare.questions import asks_question
from aftercare.spelling import mended
from aftercare.text import normalise


@dataclass(frozen=True)
class BodyChange:
    """What a message tells of a change in the body (``aftercare/lexicon/body.yml``)."""

    about: bool
    """It is about the body: "not covered" then carries the safety net ("can I fly?" not)."""
    beyond: bool
    """It tells a change the article says nothing about ("I feel sick"): the net follows any
    answer."""


def body_change(text: str) -> BodyChange:
    """What ``text`` tells of a change in the body, read as written and as mended."""
    written = normalise(text)
    readings = (written, mended(written))
    beyond = any(_beyond_words().search(reading) for reading in readings)
    return BodyChange(
        about=beyond or any(_body_words().search(reading) for reading in readings),
        beyond=beyond,
    )


_TOLD_WHEN = re.compile(
    r"\b(?:ago|since|day \d+|(?:weeks?|months?|days?) (?:on|later|after|now)|"
    r"for (?:a|\d+|two|three|four|five|six|several|a few|over a) (?:days?|weeks?|months?))\b"
)


def own_story(text: str) -> bool:
    """Whether a message about a change in the body tells the patient's own, now.

    A change told without a question ("my smile looks different on one side since I had
    crow's feet done"), or a question beside the patient's own story with its time ("can
    botox affect my cheek? I had it 5 weeks ago and since day 10 my cheek doesn't lift").
    A carer's report of the treated person is theirs ("my daughter had her crow's feet done
    3 weeks ago and her smile has been crooked since"). Not a general question ("does botox
    make your face feel heavy?"), a supposition or someone else's story
    (``experiencer.aside``): those get the answer, and no check.
    """
    written = normalise(text)
    own = in_first_person(written) or for_someone_treated(text)
    if not own or aside(text):
        return False
    return not asks_question(text) or bool(_TOLD_WHEN.search(written))


def only_asked(text: str) -> bool:
    """Whether a question about a symptom says nothing of whose it is.

    "is drooping normal?", "how long does bruising last after botox?": the writer may have
    it, or may be asking ahead. Rather than guess, the bot answers and asks once whether it
    is happening to them now (``happening_now``). "Why is my eye twitching?" and "drooping
    since day 3, normal?" tell it (the check follows); a general question ("does botox make
    your lid droop?") or someone else's story gets the answer alone (``experiencer.aside``).
    """
    written = normalise(text)
    return (
        asks_question(text)
        and not in_first_person(written)
        and not _TOLD_WHEN.search(written)
        and not aside(text)
    )


def tells_own_change(text: str) -> bool:
    """Whether ``text`` tells something of the patient's own, not a question ("my lid is heavy")."""
    return in_first_person(normalise(text)) and not asks_question(text) and not aside(text)


def about_the_body(text: str) -> bool:
    """Whether ``text`` tells of a change in the body (:class:`BodyChange`)."""
    return body_change(text).about


def beyond_the_article(text: str) -> bool:
    """Whether ``text`` tells of a change the article says nothing about (:class:`BodyChange`)."""
    return body_change(text).beyond


def warm_up() -> None:
    """Reads and compiles the body's words now rather than on the first message."""
    _body_words()
    _beyond_words()


@functools.cache
def _body_words() -> re.Pattern[str]:
    return compile_phrases(load("body")["phrases"])


@functools.cache
def _beyond_words() -> re.Pattern[str]:
    return compile_phrases(load("body")["beyond_the_article"])
