"""The modifiers of a symptom as data: ConText's categories, read from a lexicon file.

Plain Python, no Rasa import. ``aftercare/lexicon/context.yml`` holds, per category (negated,
pseudo, termination, mention, asked, supposed, what if, resolved, elsewhere, historical,
trend, persistence), the trigger phrases a clinician reads and writes, the direction they
reach and their scope; this module turns each category into one pattern, and the screen
(``aftercare/screen.py``) applies it in the scope the file names.

The phrases are written in the lexicon's phrase syntax (``aftercare/lexicon/__init__.py``),
plus ``?`` for "any one word, or none" and ``*`` before a word's end for any word that ends
so (``*ly``: slightly, really). A group of phrases may carry conditions: ``not_after`` (not
when one of these words is just before), ``followed_by`` (only when one of these words
follows), ``followed_by_or_end`` (the same, or where the sentence ends),
``not_followed_by`` (not when one of these phrases follows, ``within`` that many words),
``possessive: false`` (not when "'s" follows) and ``at_clause_start`` (only as the first
words of a clause). Words are matched whole. A phrase
may name a word list of ``symptoms.yml`` (``@vision``).

medspaCy's ConText was measured against this engine (issue 24): it installs beside the
project's pins, but with its default rules, or with ours added, it read fewer of the
labelled examples right; so the engine stays this small one, and the rules stay data.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from aftercare.lexicon import Terms, load, phrase_pattern, terms

_ONE_WORD = r"(?:\s+[\w']+)?"
"""``?`` in a phrase: any one word, or none."""

_MARKS = {"a line break": r"\n", "a dash between spaces": r"\s-\s"}
"""The termination marks that are named, not written."""

_CLAUSE_START = r"(?:^|(?<=[.;!?\n,:]))\s*"


_ANY_WORD = "anyoneword"
"""What ``?`` stands for while the lexicon compiles a phrase; then one word or none."""
_ANY_START = "anystartof"
"""What ``*`` before a word's end (``*ly``) stands for while the lexicon compiles a phrase."""
_EDGE_BEFORE = r"(?<=[\s{\[|])"
_EDGE_AFTER = r"(?=[\s}\]|]|$)"


def phrase(text: str, terms: Terms | None = None) -> str:
    """The pattern of one phrase, with ``?`` for one word or none (never the first word).

    ``terms``: the word lists its ``@name`` may use (those of ``symptoms.yml``).
    """
    written = re.sub(_EDGE_BEFORE + r"\?" + _EDGE_AFTER, _ANY_WORD, f" {text.strip()}")
    written = re.sub(_EDGE_BEFORE + r"\*(?=\w)", _ANY_START, written)
    compiled = phrase_pattern(written, terms)
    if compiled.startswith(_ANY_WORD) or f"|{_ANY_WORD}" in compiled:
        raise ValueError(f"a phrase cannot start with ?: {text!r}")
    return compiled.replace(rf"\s+{_ANY_WORD}", _ONE_WORD).replace(_ANY_START, r"\w+")


def _words(words: Iterable[str]) -> str:
    return "|".join(re.escape(str(word).lower()) for word in words)


def _group(group: Mapping[str, Any], terms: Terms | None = None) -> str:
    """One group of phrases with its conditions, as a pattern."""
    choices = "|".join(phrase(str(item), terms) for item in group["phrases"])
    before = "".join(f"(?<!{re.escape(str(word).lower())} )" for word in group.get("not_after", []))
    start = _CLAUSE_START if group.get("at_clause_start") else ""
    after = rf"(?=\s+(?:{_words(group['followed_by'])})\b)" if group.get("followed_by") else ""
    if group.get("followed_by_or_end"):
        after = rf"(?=\s*(?:$|[.,;!?)])|\s+(?:{_words(group['followed_by_or_end'])})\b)"
    if group.get("possessive") is False:
        after += "(?!')"  # "people's faces": not "people"
    if group.get("not_followed_by"):
        within = rf"(?:\s+[\w']+){{0,{group['within']}}}" if group.get("within") else ""
        phrases = "|".join(phrase(str(item), terms) for item in group["not_followed_by"])
        after += rf"(?!{within}\s+(?:{phrases})\b)"
    return rf"{start}{before}\b(?:{choices})\b{after}"


def _groups(category: Mapping[str, Any], terms: Terms | None = None) -> list[str]:
    groups = [{"phrases": category["phrases"]}] if category.get("phrases") else []
    return [_group(group, terms) for group in [*groups, *category.get("groups", [])]]


def compiled(entry: Mapping[str, Any], terms: Terms | None = None) -> re.Pattern[str]:
    """The pattern of an entry written in this file's form (``phrases``, ``groups``, ``marks``).

    For the lists of other lexicon files written the same way (``people.yml``,
    ``questions.yml``); ``terms``: the word lists their ``@name`` may use.
    """
    marks = [_MARKS.get(mark, re.escape(mark)) for mark in entry.get("marks", [])]
    return re.compile("|".join([*marks, *_groups(entry, terms)]))


@functools.cache
def rules() -> dict[str, Any]:
    """The categories of ``aftercare/lexicon/context.yml``, as written."""
    return load("context")


@functools.cache
def pattern(category: str) -> re.Pattern[str]:
    """The pattern that finds the triggers of ``category`` (the termination's marks too)."""
    return compiled(rules()[category], symptom_terms())


@functools.cache
def marks(category: str) -> re.Pattern[str]:
    """The pattern of the category's marks alone: the termination's punctuation, no words."""
    return re.compile(
        "|".join(_MARKS.get(mark, re.escape(mark)) for mark in rules()[category]["marks"])
    )


@functools.cache
def symptom_terms() -> Terms:
    """The word lists of ``symptoms.yml`` (``@vision``, ``@breath``), for a phrase to name."""
    lexicon = load("symptoms")
    return terms(lexicon["terms"], lexicon.get("regex"))


def examples(category: str) -> tuple[list[str], list[str]]:
    """The category's ``must`` and ``must_not`` examples."""
    entry = rules()[category]
    return list(entry.get("must", [])), list(entry.get("must_not", []))
