"""One slip of the finger per word, mended, so that a misspelt sign is still read.

Plain Python, no Rasa import. Patients in a hurry misspell the very word that names a sign:
"my thooat feels tigt", "I cant opne my eye", "everything looks doule". This mends them once,
for the screen's phrases (``aftercare/lexicon/symptoms.yml``), which hold no misspelling this
gets right; the lexicon's ``slips`` (:func:`known_slips`) are the few it gets wrong. In a
message mostly in English, a word of four letters or more, in English letters, that is not in
symspellpy's English frequency dictionary (82,765 words) becomes a word one
edit away (a letter added, dropped, changed, or two swapped: SymSpell's Damerau distance 1):

* the word with two neighbouring letters swapped back, the commonest slip ("opne" is
  "open", not "one");
* a word of this domain (``DOMAIN_WORDS``) when one is that close: doubt resolves toward
  safety, so "thrat" is read as "throat" rather than "that" (the screen still needs the rest
  of a sign, "thrat is tight", to flag anything);
* otherwise the most frequent word that close;
* never a negation ("nost" is not "not"), which would deny what the patient reports.

The screen reads a message as written and as mended, and takes from the mended reading only
the signs it finds and a "not improving" (:func:`aftercare.screen.screen`): a mended word
can add a reading, never take one away, and never deny anything.

The dictionary is read on first use (about 0.6 s and 65 MB, once per process); the message
screener reads it when the model is loaded (``warm_up``).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Callable, Mapping

from symspellpy import SymSpell, Verbosity

MAX_EDITS = 1
"""Edits between a misspelt word and its mending: one slip of the finger."""

MIN_LENGTH = 4
"""Shorter words are left alone: "u", "ur", "fel" have too many near neighbours."""

ENGLISH_SHARE = 0.5
"""A message is mended only when at least this share of its words are dictionary words:
another language ("tengo una pregunta sobre el botox") is left as written."""

DICTIONARY = "frequency_dictionary_en_82_765.txt"
"""symspellpy's English word list with each word's frequency, most frequent first."""

_DOMAIN = """
    botox injection injections injected jab jabs forehead eyebrow eyebrows eyelid eyelids brow
    brows crows frown needle
    twitch twitches twitching twitchy spasm spasms flickering fluttering droop droops drooping
    droopy drooped heavy bruise bruised bruising swelling swollen puffy redness tender sore
    throbbing watery watering dry gritty uneven lopsided
    blurry blurred blurring double vision focus open opening shut closed closing half throat
    tight tightness tongue lips swallow swallowing breathe breathing breath speak speaking
    speech slurred slurring weak weakness choking allergic allergy wheezy wheezing blown
    feel feels felt
    suicidal suicide hopeless worthless helpless depressed myself kill killing alive harm
    harming hurting crying overdose
"""
DOMAIN_WORDS = frozenset(_DOMAIN.split())
"""Words of this domain (the treatment, the article's effects, the red flags, the emergency
signs and a crisis), preferred as a mending over any other word as close."""

_NEGATIONS = """
    no not none never nor neither without nothing nobody nowhere zero free
"""
NEGATIONS = frozenset(_NEGATIONS.split())
"""Words a misspelt word is never mended into."""

# A word in English letters, with its contraction if any: "doesn't" is one word, and is no
# misspelling of "does". A word with other letters ("visión") is not English: left alone.
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@functools.cache
def _speller() -> SymSpell:
    """The dictionary."""
    symspell = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=7)
    path = importlib.resources.files("symspellpy") / DICTIONARY
    with importlib.resources.as_file(path) as dictionary:
        if not symspell.load_dictionary(str(dictionary), term_index=0, count_index=1):
            raise FileNotFoundError(f"symspellpy's {DICTIONARY} could not be read")
    return symspell


def warm_up() -> None:
    """Reads the dictionary now rather than on the first message."""
    _speller()


def known_slips(slips: Mapping[str, str]) -> Callable[[str], str]:
    """What mends the misspellings ``slips`` knows for certain, each word into its word.

    For the slips the dictionary gets wrong ("dubble" is one letter from "bubble") or leaves
    alone ("tung" is a word): a table, so that they are mended in every reading of a message.
    """
    if not slips:
        return lambda text: text
    words = re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, slips)) + r")(?![\w'])")
    return lambda text: words.sub(lambda match: slips[match.group()], text)


def _mending(word: str, speller: SymSpell) -> str | None:
    """The word a misspelt ``word`` (lower case) stands for, if one is one edit away."""
    found = speller.lookup(word, Verbosity.CLOSEST, max_edit_distance=MAX_EDITS)
    candidates = [item.term for item in found if item.term not in NEGATIONS]
    if not candidates:
        return None
    # Two letters swapped is the commonest slip: "opne" is "open" before it is "one".
    swapped = [term for term in candidates if _swapped(word, term)]
    if swapped:
        return swapped[0]
    domain = [term for term in candidates if term in DOMAIN_WORDS]
    return (domain or candidates)[0]  # symspellpy sorts the closest by frequency


def _swapped(word: str, term: str) -> bool:
    """Whether ``term`` is ``word`` with two neighbouring letters swapped."""
    if len(word) != len(term):
        return False
    differ = [i for i, (a, b) in enumerate(zip(word, term, strict=True)) if a != b]
    return len(differ) == 2 and differ[1] == differ[0] + 1 and word[differ[0]] == term[differ[1]]


def mended(text: str) -> str:
    """``text`` with each misspelt word replaced by the word it most likely stands for.

    A word with an apostrophe is left as it is: the contractions carry the denials ("it
    doesn't hurt"), so the screen's normalised text, with "dont" already "don't", is the one
    to mend. A message with a word in other letters ("visión"), or with fewer than
    ``ENGLISH_SHARE`` of its words in the dictionary, is taken for another language and left
    as written.

    Args:
        text: what the patient wrote, normalised (``aftercare.text.normalise``).

    Returns:
        The same text, lower-cased where a word was mended; unchanged when nothing was.
    """
    speller = _speller()
    words = speller.words
    written = _WORD.findall(text)
    known = sum(word.lower() in words for word in written)
    english = all(word.isascii() for word in written)
    if not (written and english and known >= ENGLISH_SHARE * len(written)):
        return text

    def mend(match: re.Match[str]) -> str:
        word = match.group()
        lowered = word.lower()
        if len(lowered) < MIN_LENGTH or "'" in lowered:
            return word
        if lowered in words:
            return word
        return _mending(lowered, speller) or word

    return _WORD.sub(mend, text)
