"""Words as data: the lexicon files beside this module, and the small engine that reads them.

Plain Python, no Rasa import. Each ``*.yml`` file here is written to be read by a clinician:
phrases in everyday words, not regular expressions, each list with examples that must match
and examples that must not (``tests/test_lexicon_files.py`` checks every one). A phrase is
words separated by spaces, matched as whole words in the normalised text (lower case,
straight apostrophes, "dont" read as "don't", "self-harm" as "self harm"):

* ``word``: that word;
* ``word*``: any word that starts so (``suicid*``: suicide, suicidal);
* ``{a|b c}``: one of the choices, each one word or more (``{kill|hurt} myself``);
* ``[a|b c]``: the same, or nothing (``end my [own] life``);
* ``~``: up to three other words (``better off ~ without me``);
* ``#``: a number (``took # paracetamol``);
* ``$`` at the end: the clause ends there (``my vision has gone $``: not "has gone fuzzy");
* ``-{a|b}`` after a word: not when the next word is one of these (``can't go on
  -{holiday|a}``: "can't go on holiday" is no crisis).

Punctuation between words breaks a phrase: "end, it all" is not "end it all".
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable
from typing import Any

import yaml

_GAP = r"(?:\s+[\w']+){0,3}"
"""``~``: up to three words, within a clause."""


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


def _token(token: str) -> tuple[str, bool]:
    """A token's pattern, and whether it may be left out."""
    if token == "~":
        return _GAP, True
    if token == "$":
        return r"(?=\s*(?:[.!?,;:\n]|$))", True
    if token == "#":
        return r"\d+(?:[.,]\d+)?", False
    if token.startswith("-"):
        inner = token[2:-1] if token[1:2] == "{" else re.escape(token[1:])
        choices = (
            "|".join(_sequence(choice) for choice in _choices(inner)) if "{" in token else inner
        )
        return rf"(?!\s+(?:{choices})(?![\w']))", True
    if token[0] in "{[":
        closing = "}" if token[0] == "{" else "]"
        if token[-1] != closing:
            raise ValueError(f"a group must be one token: {token!r}")
        inner = "|".join(_sequence(choice) for choice in _choices(token[1:-1]))
        return f"(?:{inner})", token[0] == "["
    if token.endswith("*"):
        return re.escape(token[:-1]) + r"[\w']*", False
    return re.escape(token), False


def _sequence(phrase: str) -> str:
    """The pattern of a run of tokens, with white space between the words."""
    parts = [_token(token) for token in _split(phrase)]
    if not parts:
        raise ValueError("an empty phrase")
    pattern = ""
    started = False
    for token_pattern, optional in parts:
        if token_pattern == _GAP or token_pattern.startswith(("(?!", "(?=")):
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


def compile_phrase(phrase: str) -> str:
    """The regular expression of one phrase, as whole words."""
    return rf"(?<![\w']){_sequence(phrase.lower())}(?![\w'])"


def compile_phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """One pattern that matches any of ``phrases``."""
    patterns = [_sequence(phrase.lower()) for phrase in phrases]
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


def phrase_pattern(phrase: str) -> str:
    """The regular expression of one phrase without its whole-word edges.

    For an engine that puts its own edges and conditions around a list of phrases
    (``aftercare/context.py``).
    """
    return _sequence(phrase.lower())
