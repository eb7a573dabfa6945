"""One slip of the finger per word, mended, so that a misspelt sign is still read.

Plain Python, no Rasa import. Patients in a hurry misspell the very word that names a sign:
"my thooat feels tigt", "I cant opne my eye", "everything looks doule". The screen's patterns
know the common misspellings of their key words (``aftercare/symptoms.py``); this mends the
rest. A word of four letters or more that is in neither symspellpy's English frequency
dictionary (82,765 words) nor ``DOMAIN_WORDS`` becomes the most frequent word one edit away (a
letter added, dropped, changed, or two swapped: SymSpell's Damerau distance 1), a domain word
first. The screen reads a message as written and as mended, and what either reading finds
counts (:func:`aftercare.symptoms.screen`), so a mended word can add a reading, never take
one away.

The dictionary is read on first use (about 0.6 s and 70 MB), not at import.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Callable

from symspellpy import SymSpell, Verbosity

MAX_EDITS = 1
"""Edits between a misspelt word and its mending: one slip of the finger."""

MIN_LENGTH = 4
"""Shorter words are left alone: "u", "ur", "fel" have too many near neighbours."""

DICTIONARY = "frequency_dictionary_en_82_765.txt"
"""symspellpy's English word list with each word's frequency, in the package."""

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
"""
DOMAIN_WORDS = frozenset(_DOMAIN.split())
"""Words of this domain (the treatment, the article's effects, the red flags and the emergency
signs): never mended, and preferred as a mending over other words."""

# A word, with its contraction if any: "doesn't" is one word, and is no misspelling of "does".
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")


@functools.cache
def _speller() -> SymSpell:
    """The dictionary, with the domain's words counted as the most frequent."""
    speller = SymSpell(max_dictionary_edit_distance=MAX_EDITS, prefix_length=7)
    path = importlib.resources.files("symspellpy") / DICTIONARY
    with importlib.resources.as_file(path) as dictionary:
        if not speller.load_dictionary(str(dictionary), term_index=0, count_index=1):
            raise FileNotFoundError(f"symspellpy's {DICTIONARY} could not be read")
    most = max(speller.words.values())
    for word in DOMAIN_WORDS:
        speller.create_dictionary_entry(word, most + 1)
    return speller


def mended(text: str, keep: Callable[[str], object] | None = None) -> str:
    """``text`` with each misspelt word replaced by its nearest dictionary word.

    A word with an apostrophe is left as it is: the contractions carry the denials ("it
    doesn't hurt"), so the screen's normalised text, with "dont" already "don't", is the one
    to mend.

    Args:
        text: what the patient wrote, normalised (``aftercare.symptoms.normalise``).
        keep: what tells a word to keep as it is although no dictionary has it: the screen's
            own spellings of its key words ("dubble", "blury"), which a mending could turn
            into another word ("bubble").

    Returns:
        The same text, lower-cased where a word was mended; unchanged when nothing was.
    """
    speller = _speller()
    words = speller.words

    def mend(match: re.Match[str]) -> str:
        word = match.group()
        lowered = word.lower()
        if len(lowered) < MIN_LENGTH or "'" in lowered or lowered in words:
            return word
        if keep is not None and keep(lowered):
            return word
        found = speller.lookup(lowered, Verbosity.TOP, max_edit_distance=MAX_EDITS)
        return found[0].term if found else word

    return _WORD.sub(mend, text)
