"""Whether a patient's message asks something, and which part of it asks. Plain Python.

"slight swelling, no pain. can i put makeup over it?" tells, then asks: the article's answer
is chosen by the question (``components/question_focus.py``), and the check is started by
what was told. A statement that starts like a question ("When I woke up ...") does not ask.
"""

from __future__ import annotations

import re

from aftercare.text import sentences, straightened

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
    r"(?:know|ask|check|understand|find out|learn)|"
    r"(?:i would|i'd|i should) be (?:most |very )?grateful|i would appreciate|"
    r"(?:could|would|can) you (?:please |kindly )?(?:advise|clarify|explain|confirm)|"
    r"(?:please |kindly )?(?:tell|advise|explain|clarify)(?: to)? me)"
)


# Where a question starts within a sentence (text.sentences splits the sentences).
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
    for sentence in sentences(text):
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
    return bool(_QUESTION.search(" ".join(straightened(text).split())))
