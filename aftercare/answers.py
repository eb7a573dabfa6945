"""How a patient's reply answers a yes-or-no question, and whether a message asks something.

Plain Python, no Rasa import. Patients rarely answer with a bare "yes": they write "yes,
mostly when I look to the side", "a little I think", "nope, it opens fine". The intent
classifier reads the short ones; these functions read the start of the reply, where people put
their answer, so that a confirmed red flag is never lost to a re-ask.

For a red-flag or emergency question, doubt counts as "yes" ("maybe a little", "I think so",
"sometimes"): the safe reading. For "is it getting better?", doubt is no answer: the form
asks again, and a second unclear answer counts as "not improving" (``aftercare/triage.py``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum

from aftercare.lexicon import compile_phrases, load
from aftercare.spelling import mended
from aftercare.symptoms import aside, in_first_person, normalise


class Answer(StrEnum):
    """What a reply says to a yes-or-no question."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


_LEAD = r"^\W*(?:(?:well|hmm+|um+|erm+|uh+|ok|okay|oh|so|honestly|actually|i mean)\W+)*"

_YES = re.compile(
    _LEAD + r"(?:y|ye|yes+|yeah?|yea+h*|yep|yup|ya|yah|aye|sure|definitely|absolutely|"
    r"correct|right|true|it is|it does|i am|i do|i have|i can't|i cannot|i cant|"
    r"affirmative|indeed|of course|totally|for sure|certainly)\b"
)
_NO = re.compile(
    _LEAD + r"(?:n|no+|nope|nah+|na|nay|never|negative|not at all|not really|not that i|"
    r"none|nothing|neither|nor|no way|i don't|i dont|i do not|"
    # "it's not that I can't open it, it's just droopy" is no answer: a report.
    r"(?:it isn't|it isnt|it's not|its not|it is not)(?! (?:that|just|only|like)\b)|"
    r"it doesn't|it doesnt|i'm not|im not|i am not|i haven't|i havent|"
    r"i can|all good|all fine|fine|all ok|it's fine|its fine|i'm fine|im fine|"
    r"everything(?:'s| is) fine|nothing like that)\b"
)
_UNSURE = re.compile(
    _LEAD + r"(?:maybe|perhaps|possibly|probably|kind of|kinda|sort of|sorta|a (?:bit|little)|"
    r"slightly|a tiny bit|somewhat|sometimes|occasionally|now and then|on and off|"
    r"i think so|i guess|i suppose|not sure|unsure|don't know|dont know|dunno|idk|"
    r"no idea|hard to (?:say|tell)|can't tell|cant tell|mostly|partly|partially|"
    r"only (?:when|if|a bit|a little|slightly|sometimes)|mildly|mild)\b"
)
# "not sure", "I don't know" and "I can't tell" start like a yes or a no but are neither.
_NOT_SURE = re.compile(
    _LEAD + r"(?:not (?:sure|certain|too sure|really sure)|no (?:idea|clue)|"
    r"i (?:don't|dont|do not) (?:know|think so|really know)|(?:i )?(?:can't|cant|cannot) "
    r"(?:tell|say|really tell|really say)|(?:i'm |im |i am )?(?:not sure|unsure)|"
    r"(?:i )?dunno|idk|hard to (?:say|tell))"
)


def yes_no(text: str) -> Answer | None:
    """What the start of ``text`` answers to a yes-or-no question, if it answers one.

    Args:
        text: the patient's reply, as written.

    Returns:
        ``YES``, ``NO``, ``UNSURE`` for doubt ("maybe a little", "I think so", "not sure"),
        or ``None`` when the reply does not start like an answer.
    """
    lowered = " ".join(text.lower().replace("\u2019", "'").split())[:200]
    if not lowered:
        return None
    if _NOT_SURE.search(lowered):
        return Answer.UNSURE
    if _YES.search(lowered):
        return Answer.YES
    if _UNSURE.search(lowered):
        return Answer.UNSURE
    if _NO.search(lowered):
        # "no, but sometimes it's blurry": the detail after "but" is the screen's to read.
        return Answer.NO
    return None


# The words a question starts with ("is it ...", "how long ...", "has anyone ...").
_QUESTION_WORDS = (
    r"is|are|was|will|would|should|shall|can|could|do|does|did|how|what|why|when|where|which|"
    r"who|am i|has anyone"
)
_QUESTION = re.compile(
    rf"\?|^\W*(?:{_QUESTION_WORDS}|any (?:advice|tips|idea))\b|"
    r"\b(?:is (?:it|this|that) (?:normal|ok|okay|common|usual|expected|serious|dangerous|bad|"
    r"a side effect)|will (?:it|this|that) (?:go|settle|last|stop|get|wear|improve|calm|fade)|"
    r"how long|should i (?:be )?(?:worr|concern|do|go|call|come)|what (?:should|can|do) i|"
    r"why (?:is|does|do|has|am)|i (?:was )?wonder(?:ing)?|any (?:advice|tips|idea)|"
    r"is there anything|can i|could i|can you tell|do you know|normal\?|"
    r"(?:i would|i'd|i want to|i wanted to|i need to) (?:just |really )?(?:like to )?"
    r"(?:know|ask|check|understand|find out)|"
    r"(?:please |kindly )?(?:tell|advise|explain|clarify)(?: to)? me)"
)


_SENTENCE = re.compile(r"(?<=[.?!])\s+|\n+|(?<=\?)(?=[^?\s])")
_CLAUSE = re.compile(
    r",\s*|\s+(?:and|but|so)\s+(?=(?:is|are|can|could|should|will|would|do|does|how|what|why|"
    r"when)\b)"
)
_ASKS_FROM_START = re.compile(rf"^\W*(?:{_QUESTION_WORDS}|any)\b")
# "When I woke up ...", "What I noticed: ...", "What a week.": a question word that starts a
# statement, not a question.
_TELLS_FROM_START = re.compile(
    r"^\W*(?:how|what|why|when|where|which|who)\s+(?:i|i'm|i've|i'd|my|we|our|you|your|he|she|"
    r"his|her|they|their|it|it's|its|this|that|there|a|an)\b"
)
# Words that do not name what a question is about: "is it safe?", "can I?", "is that normal?",
# "will this wear off?" (the course of whatever the rest of the message is about).
_GENERIC_WORDS = """
    a an the it its it's this that these those there here i i'm i've me my mine you your we
    our they them he she him her is are was were be been being am do does did doing done can
    could would should shall will may might must have has had having get got ok okay alright
    safe normal fine bad good right wrong serious dangerous common usual expected worry worried
    problem problems issue issues thing things still just really so too also even yet then now
    and or but if to of in on at for with about from by as up out over any some anything
    something what when why how which who where whether not no yes please thanks
    go goes going gone away last lasts lasting settle settles stop stops fade fades wear wears
    off down better worse improve improves heal heals clear clears ease eases calm long soon
    time happen happens happening help helps
    lol lmao haha hahaha omg hun hon babe pls plz ta thx cheers guys though tho honestly tbh
    ngl idk literally actually basically like um umm hmm xx xxx anyway
"""
_GENERIC = frozenset(_GENERIC_WORDS.split())


def _asks(sentence: str) -> bool:
    """Whether one sentence asks: a question mark, or a question's start that is no statement's."""
    lowered = sentence.lower()
    if "?" in lowered:
        return True
    return not _TELLS_FROM_START.match(lowered) and asks_question(sentence)


def question_part(text: str) -> str | None:
    """The part of a longer message that asks something, if the message has more.

    "slight swelling at the injection points, no pain. can i put makeup over it?" asks
    "can i put makeup over it?". Of each sentence that asks, the question starts at the
    first clause after the first that starts like a question ("twitch started on day 3,
    is it ok to keep going to my spin class?"). "When I woke up ..." tells; it does not ask.

    Args:
        text: the patient's message, as written.

    Returns:
        The sentences (or clauses) that ask, joined, or ``None`` when nothing asks or the
        question is the whole message.
    """
    asked = []
    for sentence in filter(None, (part.strip() for part in _SENTENCE.split(text))):
        if not (any(c.isalpha() for c in sentence) and _asks(sentence)):
            continue
        clauses = _CLAUSE.split(sentence)
        starts = [
            i for i, clause in enumerate(clauses) if i and _ASKS_FROM_START.match(clause.lower())
        ]
        asked.append(", ".join(clauses[starts[0] :]) if starts else sentence)
    question = " ".join(asked)
    if not question or question.split() == text.split():
        return None
    return question


def names_its_subject(question: str) -> bool:
    """Whether a question names what it is about ("can I wear makeup?"; not "is it safe?")."""
    words = re.findall(r"[a-z][a-z']+", question.lower())
    return any(word not in _GENERIC for word in words)


def asks_question(text: str) -> bool:
    """Whether ``text`` asks something ("..., will it settle?", "is that normal").

    Args:
        text: the patient's message, as written.

    Returns:
        True when the message has a question mark or a question's usual words.
    """
    return bool(_QUESTION.search(" ".join(text.lower().replace("\u2019", "'").split())))


ANSWER_MIN_CONFIDENCE = 0.2
"""The article's answer to a question asked with a symptom is given from this confidence."""

TORN_RATIO = 0.5
"""The runner-up is given too when its confidence is at least this part of the first's."""


def answers_to_give(
    ranking: list[tuple[str, float]],
    least: float = ANSWER_MIN_CONFIDENCE,
    torn: float = TORN_RATIO,
) -> list[str]:
    """Which of the article's answers a message that tells a symptom and asks something gets.

    "mild droop, day 6. how long will this go on for" could ask about the droop or about
    how long the effects last; a wrong answer alone would leave the patient without the one
    they needed. So when the selector is torn between its two best answers, both are given,
    the surer first.

    Args:
        ranking: the selector's answers and confidences, surest first.
        least: the confidence below which no answer is given.
        torn: how close the runner-up must come to the first, as a part of its confidence.

    Returns:
        No answer, the first, or the first and the runner-up.
    """
    chosen = [(name, confidence) for name, confidence in ranking[:2] if confidence >= least]
    if not chosen:
        return []
    first = chosen[0][1]
    return [name for name, confidence in chosen if confidence >= torn * first]


UNCLEAR_ANSWERS_BEFORE_SAFE_READING = 2
"""Answers that are neither yes nor no, in a row, before the safe reading is taken."""


@dataclass(frozen=True)
class Reading:
    """What an answer that is neither yes nor no counts as, and the count of such answers."""

    value: bool | None
    """The safe reading once taken; None: ask the question once more."""
    unclear_answers: int
    """Unclear answers in a row so far (0 once a reading is taken)."""


def read_unclear(unclear_so_far: int, safe_value: bool) -> Reading:
    """An unclear answer is asked again once, then read the way that keeps the patient safe."""
    unclear = unclear_so_far + 1
    if unclear >= UNCLEAR_ANSWERS_BEFORE_SAFE_READING:
        return Reading(safe_value, 0)
    return Reading(None, unclear)


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
    Not a general question ("does botox make your face feel heavy?"), a supposition or
    someone else's story (``symptoms.aside``): those get the answer, and no check.
    """
    written = normalise(text)
    if not in_first_person(written) or aside(text):
        return False
    return not asks_question(text) or bool(_TOLD_WHEN.search(written))


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
