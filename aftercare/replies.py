"""How a patient's reply answers the bot's yes-or-no question. Plain Python, no Rasa import.

Patients rarely answer with a bare "yes": they write "yes, mostly when I look to the side",
"a little I think", "nope, it opens fine". The intent classifier reads the short ones;
:func:`yes_no` reads the start of the reply, where people put their answer, so that a
confirmed red flag is never lost to a re-ask.

For a red-flag or emergency question, doubt counts as "yes" ("maybe a little", "I think so",
"sometimes"): the safe reading. For "is it getting better?", doubt is no answer: the form
asks again, and a second unclear answer counts as "not improving" (:func:`read_unclear`).
(The article's answers to a patient's questions are another thing: ``aftercare/article.py``.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from aftercare.text import straightened


class Answer(StrEnum):
    """What a reply says to a yes-or-no question."""

    YES = "yes"
    NO = "no"
    UNSURE = "unsure"


_LEAD = (
    r"^\W*(?:(?:well|hmm+|um+|erm+|uh+|ok|okay|oh|so|honestly|actually|i mean)\W+)*"
    # A carer passes the answer on: "she says her vision's fine", "he said no".
    r"(?:(?:she|he|they|my \w+|mum|mom|dad) (?:says|said|say|tells me|told me|reckons)"
    r"(?: that)?\W+)?"
)

_YES = re.compile(
    _LEAD + r"(?:y|ye|yes+|yeah?|yea+h*|yep|yup|ya|yah|aye|sure|definitely|absolutely|"
    r"correct|right|true|it is|it does|i am|i do|i have|i can't|i cannot|i cant|"
    r"(?:she|he|they) (?:can't|cannot|cant|is|are|does|do|has|have)"
    r"(?! (?:not|no|fine|ok|okay|good|normal|alright|all right|grand)\b)|"
    r"affirmative|indeed|of course|totally|for sure|certainly)\b"
)
_NO = re.compile(
    _LEAD + r"(?:n|no+|nope|nah+|na|nay|never|negative|not at all|not really|not that i|"
    r"none|nothing|neither|nor|no way|i don't|i dont|i do not|"
    # "it's not that I can't open it, it's just droopy" is no answer: a report.
    r"(?:it isn't|it isnt|it's not|its not|it is not)(?! (?:that|just|only|like)\b)|"
    r"it doesn't|it doesnt|i'm not|im not|i am not|i haven't|i havent|"
    r"(?:she|he|they) (?:can|isn't|isnt|is not|aren't|are not|doesn't|doesnt|does not|"
    r"don't|dont|do not|hasn't|hasnt|has not|haven't|havent)|"
    r"(?:she's|he's|they're) (?:not|fine|ok|okay)|(?:she|he|they) (?:has|have) no|"
    r"i can|all good|all fine|fine|all ok|it's fine|its fine|i'm fine|im fine|"
    r"everything(?:'s| is) fine|nothing like that|(?:all )?clear|"
    r"(?:i )?feel (?:totally |completely |perfectly |absolutely )?"
    r"(?:normal|fine|ok|okay|well|great))\b"
)
# "it's just a bruise, tender if I press it but otherwise fine", "a tiny pink dot where the
# needle went, that's all": what went before is told as no sign of the question's (a sign the
# screen finds in it answers first: "blurry but otherwise fine").
_NOTHING_MORE = re.compile(
    r"\b(?:otherwise|apart from that|other than that|besides that) "
    r"(?:all |totally |completely |perfectly )?(?:fine|ok|okay|normal|good|alright|all right)\b|"
    r"\b(?:that's all|that is all|thats all|that's it|nothing else|nothing more)\W*$|"
    # "it was sore on the day but fine now", "I'm talking, swallowing, all normal".
    r"\b(?:but|and) (?:it's |its |it is |they're |they are |all )?"
    r"(?:fine|ok|okay|gone|normal) now\b|"
    r",\s*(?:all|everything) (?:normal|fine|good|ok|okay)\W*$"
)
_UNSURE = re.compile(
    _LEAD + r"(?:maybe|perhaps|possibly|probably|kind of|kinda|sort of|sorta|a (?:bit|little)|"
    r"slightly|a tiny bit|somewhat|sometimes|occasionally|now and then|on and off|"
    r"i think so|i guess|i suppose|not sure|unsure|don't know|dont know|dunno|idk|"
    r"no idea|hard to (?:say|tell)|can't tell|cant tell|mostly|partly|partially|"
    r"only (?:when|if|a bit|a little|slightly|sometimes)|mildly|mild)\b"
)
# "vision's normal", "my eyes are fine", "it opens properly": the thing asked about is as it
# should be, which answers no to a question about a sign.
_NORMAL = re.compile(
    _LEAD + r"(?:(?:my|the|both|his|her|their|our|mum's|mom's)\s+)?(?:[a-z]+\s+){0,2}?[a-z]+"
    r"(?:'s|'re|\s+(?:is|are|was|were|seems?|looks?|feels?)(?:\s+to\s+be)?)\s+"
    r"(?:all\s+|totally\s+|completely\s+|perfectly\s+|absolutely\s+|pretty\s+|totes\s+)?"
    r"(?:normal|fine|ok|okay|good|clear|perfect|great|alright|all right|grand|sharp|unaffected|"
    r"as normal|as usual|the same as always)\b(?!-?ish)|"
    + _LEAD
    + r"(?:it|they|both|both eyes|my eyes?|my (?:eye)?lids?|the (?:eye)?lids?)\s+"
    r"(?:opens?|works?|moves?|closes?) (?:normally|fine|ok|okay|properly|as normal|as usual)\b"
)
# A reply that is plainly an answer: a bare yes or no word first, or "vision's normal".
_BARE = re.compile(
    _LEAD + r"(?:y|ye|yes+|yeah?|yea+h*|yep|yup|ya|aye|n|no+|nope|nah+|na)\b(?!\s+(?:one|way)\b)"
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
    lowered = " ".join(straightened(text).split())[:200]
    if not lowered:
        return None
    if _NOT_SURE.search(lowered):
        return Answer.UNSURE
    if _YES.search(lowered):
        return Answer.YES
    if _UNSURE.search(lowered):
        return Answer.UNSURE
    if _NO.search(lowered) or _NORMAL.search(lowered) or _NOTHING_MORE.search(lowered):
        # "no, but sometimes it's blurry": the detail after "but" is the screen's to read.
        return Answer.NO
    return None


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


def plain_answer(text: str) -> bool:
    """Whether ``text`` is plainly an answer to a yes-or-no question, whatever follows.

    "no, it's clear, they just feel horrible", "yep", "vision's normal": a bare yes or no
    word first, or the thing asked about said to be as it should be. Not "I'm not myself
    lately", which starts like a no but answers nothing.
    """
    lowered = " ".join(straightened(text).split())[:200]
    return bool(_BARE.search(lowered) or _NORMAL.search(lowered))
