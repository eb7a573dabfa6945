"""Words as data: the lexicon files beside this module, and the small engine that reads them.

Plain Python, no Rasa import. Each ``*.yml`` file here is written to be read by a clinician:
phrases in everyday words, not regular expressions, each list with examples that must match
and examples that must not (``tests/unit/test_lexicon_files.py`` checks every one). A phrase is
words separated by spaces, matched as whole words in the normalised text (lower case,
straight apostrophes, "dont" read as "don't", "self-harm" as "self harm"):

* ``word``: that word;
* ``word*``: any word that starts so (``suicid*``: suicide, suicidal);
* ``{a|b c}``: one of the choices, each one word or more (``{kill|hurt} myself``);
* ``[a|b c]``: the same, or nothing (``end my [own] life``);
* ``~``: up to three other words (``better off ~ without me``); ``~1`` to ``~9``: up to that
  many (``swelling ~1 in my throat``);
* ``#``: a number (``took # paracetamol``);
* ``$`` at the end: the clause ends there (``my vision has gone $``: not "has gone fuzzy");
* ``-{a|b}`` after a word: not when the next word is one of these (``can't go on
  -{holiday|a}``: "can't go on holiday" is no crisis);
* ``@name``: any phrase of the word list ``name`` (``@cant breathe``, with ``cant: [can't,
  unable to, "{hard|harder} to"]``): a file's lists are given as ``terms`` (:func:`terms`).
  ``[@name]`` is the same, or nothing.

A file may also name a few regular expressions, where no phrase can say it (``regex``,
:func:`terms`), and give ``patterns``: regular expressions in which ``@name`` stands for a
list or a named expression (:func:`expand`). They are the exception, each one commented.

Punctuation between words breaks a phrase: "end, it all" is not "end it all".
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

_GAP_WORD = r"(?:\s+[\w']+)"
_GAP = _GAP_WORD + "{0,3}"
"""``~``: up to three words, within a clause."""
_GAPS = re.compile(r"~[1-9]?")

Terms = Mapping[str, str]
"""Word lists by name, each as the regular expression of its phrases (:func:`terms`)."""

_NO_TERMS: Terms = {}
_TERM = re.compile(r"@(\w+)")


def _split(phrase: str) -> list[str]:
    """The tokens of a phrase: words, ``{...}`` and ``[...]`` groups, and ``~``."""
    tokens: list[str] = []
    depth = 0
    current = ""
    for char in phrase.strip():
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth < 0:
                raise ValueError(f"unbalanced brackets in phrase {phrase!r}")
        if char.isspace() and depth == 0:
            if current:
                tokens.append(current)
            current = ""
        else:
            current += char
    if depth:
        raise ValueError(f"unbalanced brackets in phrase {phrase!r}")
    if current:
        tokens.append(current)
    return tokens


def _choices(inner: str) -> list[str]:
    """The choices of a group, split at its top-level ``|``."""
    choices, depth, current = [], 0, ""
    for char in inner:
        depth += char in "{["
        depth -= char in "}]"
        if char == "|" and depth == 0:
            choices.append(current)
            current = ""
        else:
            current += char
    return [*choices, current]


def _token(token: str, terms: Terms = _NO_TERMS) -> tuple[str, bool]:
    """A token's pattern, and whether it may be left out."""
    if _GAPS.fullmatch(token):
        return _GAP_WORD + f"{{0,{token[1:] or 3}}}", True
    if token == "$":
        return r"(?=\s*(?:[.!?,;:\n]|$))", True
    if token == "#":
        return r"\d+(?:[.,]\d+)?", False
    if token.startswith("-"):
        inner = token[2:-1] if token[1:2] == "{" else re.escape(token[1:])
        choices = (
            "|".join(_sequence(choice, terms) for choice in _choices(inner))
            if "{" in token
            else inner
        )
        return rf"(?!\s+(?:{choices})(?![\w']))", True
    if token[0] in "{[":
        closing = "}" if token[0] == "{" else "]"
        if token[-1] != closing:
            raise ValueError(f"a group must be one token: {token!r}")
        inner = "|".join(_sequence(choice, terms) for choice in _choices(token[1:-1]))
        return f"(?:{inner})", token[0] == "["
    if token.startswith("@"):
        return f"(?:{_term(token[1:], terms)})", False
    if token.endswith("*"):
        return re.escape(token[:-1]) + r"[\w']*", False
    return re.escape(token), False


def _term(name: str, terms: Terms) -> str:
    if name not in terms:
        raise ValueError(f"no word list @{name}")
    return terms[name]


def _sequence(phrase: str, terms: Terms = _NO_TERMS) -> str:
    """The pattern of a run of tokens, with white space between the words."""
    parts = [_token(token, terms) for token in _split(phrase)]
    if not parts:
        raise ValueError("an empty phrase")
    pattern = ""
    started = False
    for token_pattern, optional in parts:
        if token_pattern.startswith((_GAP_WORD, "(?!", "(?=")):
            pattern += token_pattern
        elif optional and not started:
            pattern += rf"(?:{token_pattern}\s+)?"
        elif optional:
            pattern += rf"(?:\s+{token_pattern})?"
        else:
            pattern += rf"\s+{token_pattern}" if started else token_pattern
            started = True
    if not started:
        raise ValueError(f"a phrase needs at least one word it cannot leave out: {phrase!r}")
    return pattern


def compile_phrase(phrase: str, terms: Terms = _NO_TERMS) -> str:
    """The regular expression of one phrase, as whole words (``terms``: its ``@name`` lists)."""
    return rf"(?<![\w']){_sequence(phrase.lower(), terms)}(?![\w'])"


def compile_phrases(phrases: Iterable[str], terms: Terms = _NO_TERMS) -> re.Pattern[str]:
    """One pattern that matches any of ``phrases`` (``terms``: their ``@name`` lists)."""
    patterns = [_sequence(phrase.lower(), terms) for phrase in phrases]
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    # Whole words: the look-behind once, before the choices, so that each is tried at the
    # start of a word only.
    return re.compile(rf"(?<![\w'])(?:{'|'.join(patterns)})(?![\w'])")


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The lexicon file ``<name>.yml`` beside this module, as written."""
    text = (importlib.resources.files(__package__) / f"{name}.yml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"lexicon {name}.yml must be a mapping")
    return data


def terms(lists: Mapping[str, Iterable[str]], regex: Mapping[str, str] | None = None) -> Terms:
    """Word lists by name, each list's phrases as one regular expression (no word bounds).

    A list may use the lists named before it (``@very``). ``regex``: regular expressions by
    name, for :func:`expand` (and ``@name`` in a phrase) to use as they are written.
    """
    found: dict[str, str] = dict(regex or {})
    for name, phrases in lists.items():
        if name in found:
            raise ValueError(f"@{name} is named twice")
        found[name] = "|".join(_sequence(phrase.lower(), found) for phrase in phrases)
    return found


def expand(pattern: str, terms: Terms) -> str:
    """A regular expression with each ``@name`` in it made the list or expression so named."""
    return _TERM.sub(lambda match: f"(?:{_term(match.group(1), terms)})", pattern)


def phrase_pattern(phrase: str, terms: Terms | None = None) -> str:
    """The regular expression of one phrase without its whole-word edges.

    For an engine that puts its own edges and conditions around a list of phrases
    (``aftercare/context.py``).
    """
    return _sequence(phrase.lower(), terms or _NO_TERMS)
