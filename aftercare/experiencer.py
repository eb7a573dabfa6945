"""Whose sign it is: the patient's own, someone else's, a carer's report, or only supposed.

Plain Python, no Rasa import. The screen (``aftercare/screen.py``) reads a sign as the
patient's report unless the words before it make it someone else's ("my friend had double
vision after hers"), or a supposition or a general question ("what if my lid ever drooped?",
"can botox make you slur your words?"). A carer's report of the person treated is a report
("my daughter had botox on Tuesday and tonight her words are slurred"). The words are data:
``aftercare/lexicon/people.yml`` (who) and ``questions.yml`` (supposed and asked).
"""

from __future__ import annotations

import functools
import re

from aftercare import context
from aftercare.lexicon import Terms, compile_phrases, load, terms
from aftercare.text import normalise, screened_part, sentences


# Someone else's sign, or a supposition, is no report of the patient's own: "my friend had
# double vision after hers", "my sister wants to know if botox can make you slur", "if my
# eyelid ever dropped so much I couldn't open it, what would I do?". Read in the clause
# before the sign, at most ``_clause_window()`` characters back. The words are data:
# aftercare/lexicon/people.yml (someone_else, first_person) and questions.yml
# (supposition, happening_now, supposition_ends).
@functools.cache
def _someone_elses() -> re.Pattern[str]:
    return context.compiled(load("people")["someone_else"])


@functools.cache
def _first_person() -> re.Pattern[str]:
    return context.compiled(load("people")["first_person"])


@functools.cache
def _clause_window() -> int:
    return int(load("people")["someone_else"]["characters"])


@functools.cache
def _supposed_sign() -> re.Pattern[str]:
    return context.compiled(load("questions")["supposition"])


@functools.cache
def _happening_now() -> re.Pattern[str]:
    return context.compiled(load("questions")["happening_now"])


@functools.cache
def _supposition_ends() -> re.Pattern[str]:
    return context.compiled(load("questions")["supposition_ends"])


@functools.cache
def supposition_pattern() -> re.Pattern[str]:
    """Where a supposition or a general question starts.

    The cues above, and the general questions of ``aftercare/lexicon/questions.yml`` ("is it
    possible to get …").
    """
    general = compile_phrases(load("questions")["general_question"]["phrases"])
    return re.compile(f"{_supposed_sign().pattern}|{general.pattern}")


@functools.cache
def _told_after() -> re.Pattern[str]:
    """Words after a general question that say the patient has it after all."""
    return compile_phrases(load("questions")["told_after"]["phrases"])


@functools.cache
def _not_mine() -> re.Pattern[str]:
    """Words beside a general question that say the patient does not have it."""
    return compile_phrases(load("questions")["not_mine"]["phrases"])


@functools.lru_cache(maxsize=256)  # asked of the same message by each reading of it
def general_question(text: str) -> bool:
    """Whether ``text`` asks in general about what the treatment can do, not having it.

    "Can botox cause double vision? Not that I have it, just curious": a question, a word
    that the patient does not have it, and none that they do (``aftercare/lexicon/
    questions.yml``). A sign the classifier reads into such a message is not believed.
    """
    written = normalise(screened_part(text))
    cue = supposition_pattern().search(written)
    return bool(cue and _not_mine().search(written) and not _told_later(written, cue.end()))


def _told_later(text: str, start: int) -> bool:
    """Whether the patient says from ``start`` on that they have it, not denied.

    "I've had it since Monday" tells it; "not that I have it" does not.
    """
    for found in _told_after().finditer(text, start):
        if not context.pattern("negated").search(" ".join(text[: found.start()].split()[-3:])):
            return True
    return False


# The clause a supposition or another person reaches over: ended by the termination's marks
# (context.yml), not its words; "what would happen if my lid dropped ... and I couldn't open my
# eye?" is supposed throughout, and a supposition's own ends are ``supposition_ends``.
@functools.cache
def _clause_end() -> re.Pattern[str]:
    return context.marks("termination")


# An age in brackets or commas after the person ("my daughter (24) had botox"): a regular
# expression, as no phrase can say "a number of up to three digits, bracketed".
_AGE_ASIDE = re.compile(r"[(,]\s*\d{1,3}\s*[),]")


@functools.cache
def _treated() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    people = load("people")
    return (
        compile_phrases(people["treated_other"]["phrases"], people_terms()),
        compile_phrases(people["treated_self"]["phrases"]),
        compile_phrases(people["long_ago"]["phrases"]),
    )


@functools.lru_cache(maxsize=256)  # asked of the same message by each reading of it
def for_someone_treated(text: str) -> bool:
    """Whether ``text`` is written for another person who had the treatment, not the writer.

    A parent, partner or carer's report of that person's signs is a report
    (``aftercare/lexicon/people.yml``): "my daughter had botox on Tuesday and tonight her
    words are slurred".
    """
    other, own, long_ago = _treated()
    # "my daughter (24) had botox", "my son, 19, had his done"
    text = _AGE_ASIDE.sub(" ", normalise(text))
    return bool(other.search(text)) and not (own.search(text) or long_ago.search(text))


# A carer's words for the person treated, as that person's own: "her words are slurred",
# "she can't lift her arms". The screen's patterns are written in the first person. Kept as
# regular expressions: each rewrites a pronoun by what follows it, which no phrase can say.
_SUBJECT = r"\b(?:she|he)"
_IN_FIRST_PERSON = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (_SUBJECT + r" (?:has|'s) (?=(?:got|been|become|had|gone|started|lost)\b)", "i have "),
        (_SUBJECT + r" (?:is|'s)\b", "i am"),
        (r"\b(?:she's|he's)\b", "i'm"),
        (_SUBJECT + r" has\b", "i have"),
        (_SUBJECT + r"\b", "i"),
        (r"\b(?:her|his)\b", "my"),
        (r"\bhim\b", "me"),
        (r"\b(?:herself|himself)\b", "myself"),
    )
)


@functools.cache
def people_terms() -> Terms:
    """The word lists ``people.yml``'s phrases use as ``@name`` (``@close``)."""
    return terms(load("people")["terms"])


@functools.cache
def _close_and_hearsay() -> tuple[re.Pattern[str], re.Pattern[str]]:
    people = load("people")
    return (
        compile_phrases(people["close_person"]["phrases"], people_terms()),
        compile_phrases(people["hearsay"]["phrases"]),
    )


@functools.lru_cache(maxsize=256)  # asked of the same message by each reading of it
def whose_unclear(text: str) -> bool:
    """Whether ``text`` tells of someone close, with no word of who had the treatment.

    "My sister can't keep her eyelid up": a carer writing for her after her treatment, or
    someone telling of a sister who had none. The bot asks rather than guess
    (``aftercare/lexicon/people.yml``: close_person, hearsay). Not when the message says who
    had it ("my sister had botox on Monday", "I had mine too"), when it was long ago, nor in
    a supposition, a general question or hearsay ("my sister says botox can ...").
    """
    written = _AGE_ASIDE.sub(" ", normalise(screened_part(text)))
    other, own, long_ago = _treated()
    close, hearsay = _close_and_hearsay()
    return bool(
        close.search(written)
        and not (other.search(written) or own.search(written) or long_ago.search(written))
        and not (hearsay.search(written) or supposition_pattern().search(written))
    )


@functools.cache
def _whose_answers() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    people = load("people")
    return (
        compile_phrases(people["answer_not_treated"]["phrases"]),
        compile_phrases(people["answer_self"]["phrases"]),
        compile_phrases(people["answer_treated"]["phrases"], people_terms()),
    )


def whose_answer(text: str) -> bool | None:
    """The typed answer to "Is this about you, or someone who had the treatment?".

    True: the writer, or someone who had it ("me", "my sister, she had it"); False: someone
    who did not ("he didn't have any treatment"); None: neither said.
    """
    written = normalise(text)
    not_treated, own, treated = _whose_answers()
    if not_treated.search(written):
        return False
    if own.search(written) or treated.search(written):
        return True
    return None


def answers_for_someone_treated(text: str) -> bool:
    """Whether the typed answer to that question names someone else who had the treatment.

    "my sister, she had it": the check then speaks of her. "me" does not; nor does "he
    didn't have any".
    """
    written = normalise(text)
    not_treated, own, treated = _whose_answers()
    return bool(treated.search(written)) and not (
        own.search(written) or not_treated.search(written)
    )


def as_first_person(text: str) -> str:
    """A carer's ``text`` (normalised) in the words of the person treated."""
    for pattern, words in _IN_FIRST_PERSON:
        text = pattern.sub(words, text)
    return text


def aside_at(
    text: str, start: int, end: int, carer: bool = False, suppositions: bool = True
) -> bool:
    """Whether the sign from ``start`` to ``end`` is someone else's, or only supposed.

    ``carer``: the message is written for the person who had the treatment, whose signs are
    the report; only a supposition is aside then. ``suppositions=False`` reads a supposed
    sign as told (what a general question asks about, :func:`aftercare.screen.asked`).
    """
    first = max(0, start - _clause_window())
    ends = [m.end() for m in _clause_end().finditer(text, first, start)]
    first = ends[-1] if ends else first
    if suppositions and (supposition := supposition_pattern().search(text, first, end)):
        if _supposition_ends().search(text, supposition.end(), start):
            return False
        last = _clause_end().search(text, end)
        if _told_later(text, last.end() if last else len(text)):
            return False  # "… double vision this late? I've had it since yesterday"
        return not _happening_now().search(text, first, last.start() if last else len(text))
    if carer:
        return False
    others = list(_someone_elses().finditer(text, first, start))
    return bool(others) and not _first_person().search(text, others[-1].end(), end)


def in_first_person(text: str) -> bool:
    """Whether ``text`` (normalised) speaks of the writer: "I", "my", "me"."""
    return bool(_first_person().search(text))


def aside(text: str) -> bool:
    """Whether no sentence of a message is the patient's own report, and one is an aside.

    An aside is a supposition ("what if my lid ever drooped?") or someone else's experience
    with no word of the patient's own ("my friend couldn't breathe after hers"). The NLU's
    classifier reads a report of a sign into those; this tells its caller not to believe it
    there. A sentence with the patient's own words ("my words come out mushy, my husband keeps
    asking if I've been drinking") keeps it believed.
    """
    text = normalise(text)
    carer = for_someone_treated(text)
    found = False
    for sentence in sentences(text):
        supposition = supposition_pattern().search(sentence)
        supposed = bool(
            supposition
            and not _happening_now().search(sentence)
            and not _supposition_ends().search(sentence, supposition.end())
        )
        theirs = (
            not carer
            and bool(_someone_elses().search(sentence))
            and not _first_person().search(_someone_elses().sub(" ", sentence))
        )
        if not (supposed or theirs or (not carer and not _first_person().search(sentence))):
            return False
        found = found or supposed or theirs
    return found


def warm_up() -> None:
    """Reads and compiles the lexicon's people and questions now, not on first use."""
    _treated()
    people_terms()
    _close_and_hearsay()
    _whose_answers()
    supposition_pattern()
    _told_after()
    _not_mine()
    _someone_elses()
    _first_person()
    _clause_window()
    _happening_now()
    _supposition_ends()
    context.pattern("negated")
    _clause_end()
