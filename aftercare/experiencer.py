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
from aftercare.lexicon import compile_phrases, load
from aftercare.text import normalise, screened_part

_NEGATION = context.pattern("negated")


# Someone else's sign, or a supposition, is no report of the patient's own: "my friend had
# double vision after hers", "my sister wants to know if botox can make you slur", "if my
# eyelid ever dropped so much I couldn't open it, what would I do?". Read in the clause
# before the sign. An observer is no owner ("my husband noticed slurring", "people say my lid
# covers my pupil", "people's faces look doubled"), a bare "she" is as
# often the nurse who injected, and the patient's own words after the other person make it
# the patient's again; so does a supposed sign that is happening now ("what if it's an
# allergy? my lips are swelling right now").
_OBSERVER = (
    r"(?:noticed|notices|notice|says?|said|saying|thinks?|thought|told|tells|saw|sees|see|"
    r"heard|hears|mentioned|pointed out|commented|spotted|found|called|rang|phoned|took me|"
    r"drove me|brought me|helped|is worried|was worried|is scared|was scared|panicked|"
    r"is panicking|keeps? (?:saying|asking|telling)|asked|asks|asking|can tell|could tell)"
)
_SOMEONE_ELSES = re.compile(
    r"\b(?:(?:my|her|his|our|a) (?:friends?|sister|sis|mum|mom|mother|daughter|son|husband|"
    r"hubby|wife|partner|boyfriend|girlfriend|colleague|co ?worker|cousin|aunt|auntie|niece|"
    r"brother|dad|father|neighbou?r|gran|nan|grandma|mate|bestie)(?:'s)?|"
    r"(?:a|this|some) (?:girl|woman|lady|guy|man|bloke|client|celeb\w*|influencer)|"
    r"(?:some )?(?:someone|somebody|people|others|anyone|anybody)(?!'s))\b"
    rf"(?!\s+(?:[\w']+\s+)?{_OBSERVER}\b(?!\s+(?:that )?(?:she|he|her|his|they|their)\b))"
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|myself)\b")
# A general question or a claim about what the treatment can do ("can botox make you slur
# your words?", "my mum says botox can make your throat close up") is a supposition too.
_TREATMENT = r"(?:botox|tox|it|the (?:injections?|jabs?|toxin|treatment)|injections|fillers?)"
_MODAL = r"(?:can|could|does|do|will|would|might|may|did)"
_GENERAL = (
    rf"{_MODAL} {_TREATMENT} (?:ever |really |actually |sometimes |also )?"
    rf"(?:make|cause|give|lead to|leave) |{_TREATMENT} (?:can|could|may|might|will|does) "
    r"(?:ever |really |actually |sometimes |also )?(?:make|cause|give|lead to|leave) "
    r"(?=(?:you|your|people|someone|somebody|anyone|a person|some people)\b)|"
    r"(?:can|could|do|does) (?:you|people|someone|anyone) (?:ever |really |actually )?"
    r"(?:get|develop|end up with) "
)
_SUPPOSED_SIGN = (
    r"\b(?:what if|if (?:[\w']+ ){0,3}ever|what (?:would|will) (?:i|you|we) do if|"
    r"what happens if|what (?:would|will|could) happen if|"
    rf"how (?:would|will) (?:i|you) (?:know|tell) if|{_GENERAL})"
)


@functools.cache
def supposition_pattern() -> re.Pattern[str]:
    """Where a supposition or a general question starts.

    The cues above, and the general questions of ``aftercare/lexicon/questions.yml`` ("is it
    possible to get …").
    """
    general = compile_phrases(load("questions")["general_question"]["phrases"])
    return re.compile(f"{_SUPPOSED_SIGN}|{general.pattern}")


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
        if not _NEGATION.search(" ".join(text[: found.start()].split()[-3:])):
            return True
    return False


_HAPPENING_NOW = re.compile(r"\b(?:now|right now|currently|at the moment|today|tonight|since)\b")
# What ends a supposition's clause: "what would happen if I wait, because I can't open my eye".
_SUPPOSITION_ENDS = re.compile(
    r"\b(?:because|cos|coz|cuz|but|(?<!much )(?<!bad )(?<!far )(?<!long )(?<!soon )(?<!well )"
    r"(?<!badly )as (?=(?:i|my|it's|it is|everything|things)\b))\b"
)
_CLAUSE_END = re.compile(r"[.!?\n;,:]|\s-\s")
_CLAUSE_WINDOW = 200
_SENTENCE_END = re.compile(r"[.!?\n]")


_AGE_ASIDE = re.compile(r"[(,]\s*\d{1,3}\s*[),]")


@functools.cache
def _treated() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    people = load("people")
    return (
        compile_phrases(people["treated_other"]["phrases"]),
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
# "she can't lift her arms". The screen's patterns are written in the first person.
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
    sign as told (what a general question asks about, :func:`asked`).
    """
    first = max(0, start - _CLAUSE_WINDOW)
    ends = [m.end() for m in _CLAUSE_END.finditer(text, first, start)]
    first = ends[-1] if ends else first
    if suppositions and (supposition := supposition_pattern().search(text, first, end)):
        if _SUPPOSITION_ENDS.search(text, supposition.end(), start):
            return False
        last = _CLAUSE_END.search(text, end)
        if _told_later(text, last.end() if last else len(text)):
            return False  # "… double vision this late? I've had it since yesterday"
        return not _HAPPENING_NOW.search(text, first, last.start() if last else len(text))
    if carer:
        return False
    others = list(_SOMEONE_ELSES.finditer(text, first, start))
    return bool(others) and not _FIRST_PERSON.search(text, others[-1].end(), end)


def in_first_person(text: str) -> bool:
    """Whether ``text`` (normalised) speaks of the writer: "I", "my", "me"."""
    return bool(_FIRST_PERSON.search(text))


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
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    found = False
    for sentence in sentences:
        supposition = supposition_pattern().search(sentence)
        supposed = bool(
            supposition
            and not _HAPPENING_NOW.search(sentence)
            and not _SUPPOSITION_ENDS.search(sentence, supposition.end())
        )
        theirs = (
            not carer
            and bool(_SOMEONE_ELSES.search(sentence))
            and not _FIRST_PERSON.search(_SOMEONE_ELSES.sub(" ", sentence))
        )
        if not (supposed or theirs or (not carer and not _FIRST_PERSON.search(sentence))):
            return False
        found = found or supposed or theirs
    return found


def warm_up() -> None:
    """Reads and compiles the lexicon's people and questions now, not on first use."""
    _treated()
    supposition_pattern()
    _told_after()
    _not_mine()
