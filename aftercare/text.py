"""One reading of a patient's characters; a long message read in part; text not Unicode.

Every reader of a patient's words starts from :func:`straightened` (lower case, NFKC, one
apostrophe); the screen and the lexicon read :func:`normalise`.

The screen, the date reader and the NLU's featurizers each read a bounded part of a message,
so that the work on it stays bounded however long it is; a long story often says what is
wrong now at its end, so the part is its start and its end.

JSON can carry a lone surrogate (an escape of U+D800 to U+DFFF alone), which Python keeps in
a ``str`` but no UTF-8 encoder takes: the database refused such a sender id, and
``action_triage`` such a message.
The channels check the text they are given with :func:`is_unicode` (REST answers 400) or
mend it with :func:`mended` (socket.io).
"""

from __future__ import annotations

import re
import unicodedata

from aftercare.limits import SCREENED_HEAD, SCREENED_TAIL

_SURROGATE = re.compile("[\ud800-\udfff]")

_CUT_WITHIN = 100
"""How far back (or on) from a cut a white space is looked for, so as not to cut a word."""


def head_and_tail(text: str, head: int, tail: int) -> str:
    """All of ``text``, or its first ``head`` and last ``tail`` characters if it is longer.

    Each part is cut at a white space near the cut, so that no word is cut in two, and they
    are joined by a line break, so that no clause runs across the cut.
    """
    if len(text) <= head + tail:
        return text
    start = text[:head]
    end = text[len(text) - tail :] if tail else ""
    space = start.rfind(" ", max(0, head - _CUT_WITHIN))
    start = start[:space] if space > 0 else start
    space = end.find(" ", 0, _CUT_WITHIN)
    end = end[space + 1 :] if space >= 0 else end
    return f"{start}\n{end}" if end else start


def screened_part(text: str) -> str:
    """The part of a message the screen reads: all of it, or its head and tail if very long."""
    return head_and_tail(text, SCREENED_HEAD, SCREENED_TAIL)


# --- Sentences --------------------------------------------------------------------------------

SENTENCE_MARKS = ".!?\n"
"""The marks that end a sentence: a full stop, "!", "?" or a line break."""

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+|(?<=\?)(?=[^?\s])")


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, each with its end mark, without white space around.

    A sentence ends at a full stop, "!" or "?" before white space, at a line break, and at a
    "?" even with no space after it ("is it normal?my eye droops"). Clauses are not split here:
    what ends a clause is the lexicon's (``termination`` in ``aftercare/lexicon/context.yml``).
    """
    return [part.strip() for part in _SENTENCE_BREAK.split(text) if part.strip()]


def is_unicode(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: no lone surrogate in it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def mended(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD, the replacement character."""
    return _SURROGATE.sub("\ufffd", text)


# --- One reading of the characters -----------------------------------------------------------

_CONTRACTIONS = re.compile(
    r"\b(dont|doesnt|didnt|isnt|wasnt|arent|werent|hasnt|havent|hadnt|wont|couldnt|wouldnt|"
    r"shouldnt|im|ive|thats|theres)\b"
)
_CONTRACTED = {
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "arent": "aren't",
    "werent": "weren't",
    "hasnt": "hasn't",
    "havent": "haven't",
    "hadnt": "hadn't",
    "wont": "won't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
    "im": "i'm",
    "ive": "i've",
    "thats": "that's",
    "theres": "there's",
}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


def straightened(text: str) -> str:
    """``text`` in lower case, NFKC, with one apostrophe (') and no zero-width space.

    The one reading of a patient's characters that every reader of words starts from.
    """
    # The apostrophes first: NFKC makes "\u00b4" a space and a combining accent.
    return unicodedata.normalize("NFKC", text.translate(_APOSTROPHES)).lower().replace("\u200b", "")


def normalise(text: str) -> str:
    """The screen's reading of ``text``, the one the lexicon's phrases are written for.

    :func:`straightened`, "can't" for "cannot" and "cant", apostrophes restored in
    "dont"-like contractions, hyphens between letters turned into spaces ("half-shut" is
    "half shut"), runs of spaces and tabs made one space.
    """
    text = straightened(text)
    text = re.sub(r"\bcan\s*not\b", "can't", text)
    text = re.sub(r"\bcant\b", "can't", text)
    text = _CONTRACTIONS.sub(lambda m: _CONTRACTED[m.group(1)], text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)
    return re.sub(r"[ \t]+", " ", text)
