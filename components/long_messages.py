"""How much of a very long message the NLU's featurizers read: its head and its tail.

A message over the message screener's ``max_characters`` (1,000) is answered with the
fallback ("a sentence or two works best") whatever the classifier says, unless a red flag is
found in it; and the classifiers, trained on sentences, read a long letter as noise. Yet
featurizing all of a 20,000-character letter was most of the work it cost the server (about
160 of 175 ms on 29 November), and the server works on one thing at a time: the other
patients waited. So the featurizers (TF-IDF, word lists, word-piece vectors) and the
screener's script check read the first ``CLASSIFIED_HEAD`` and the last ``CLASSIFIED_TAIL``
characters only (``aftercare/limits.py``), and the work on a message stays bounded however
long it is. Anything up to ``PIECEWISE_FROM``
characters (the screener's ``max_characters``), every message the classifiers were trained
on, is read whole, so the trained model is unchanged. The symptom screen reads its own,
longer, head and tail for red flags (``aftercare/screen.py``).

Screening those 10,000 characters is still about 75 ms (twice that when misspelt words make
the screen read it a second time, mended), and while the NLU works on a message
nothing else runs: a client sending 20,000-character letters back to back held every other
patient's reply up by as much (p95 204 ms against 23 ms idle). So the channels read a message
longer than ``PIECEWISE_FROM`` a piece at a time (:func:`with_screening`), give way to the
other patients' messages between two pieces (``admission.MessageLine.give_way``), and hand the
screening to the NLU in the message's metadata; the message screener then uses it instead of
screening the text again. The client's own metadata is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aftercare.limits import CLASSIFIED_HEAD, CLASSIFIED_TAIL
from aftercare.screen import combined, pieces, screen
from aftercare.slots import screening_entities, screening_from_entities
from aftercare.symptoms import Screening
from aftercare.text import head_and_tail


def classified_part(text: str) -> str:
    """All of ``text``, or its head and tail joined by a line break if it is longer."""
    return head_and_tail(text, CLASSIFIED_HEAD, CLASSIFIED_TAIL)


PIECEWISE_FROM = CLASSIFIED_HEAD + CLASSIFIED_TAIL
"""Messages longer than this are screened in pieces by the channel, the others by the NLU."""
SCREENING_KEY = "aftercare_screening"
"""The metadata key of a long message's screening, as entities (``aftercare/slots.py``)."""


Pause = Callable[[], Awaitable[None]]
"""What runs between two pieces: lets the other patients' messages go first."""


async def _next_turn() -> None:
    await asyncio.sleep(0)


async def screened_in_pieces(text: str, pause: Pause = _next_turn) -> Screening:
    """:func:`aftercare.screen.screen` of ``text``, a piece at a time, ``pause`` in between."""
    screenings = []
    for piece in pieces(text):
        await pause()
        screenings.append(screen(piece))
    return combined(screenings)


async def with_screening(
    text: str, metadata: Mapping[str, Any] | None, pause: Pause = _next_turn
) -> dict[str, Any]:
    """A message's metadata: the screening of a long ``text`` read in pieces, nothing else.

    ``text`` is what Rasa will be handed (cut to the channel's ``max_characters``). What the
    client sent as ``metadata`` is dropped, before anything is stored: nothing of the project
    reads it, a value under ``SCREENING_KEY`` would be a forged screening, and Rasa keeps
    metadata three times over (in the user event, the ``session_started_metadata`` slot and,
    on SQLite, the write-ahead log), so that a few large requests filled the disk.
    """
    del metadata  # the client's: dropped
    checked: dict[str, Any] = {}
    text = text.strip()  # as Rasa's UserMessage keeps it
    if len(text) > PIECEWISE_FROM:
        screening = await screened_in_pieces(text, pause)
        checked[SCREENING_KEY] = screening_entities(screening, len(text))
        await pause()  # the classifiers' turn on the long message is the last one to wait
    return checked


def prescreened(text: str, metadata: Mapping[str, Any] | None) -> Screening | None:
    """The screening a channel read in pieces for this long ``text``, if there is one."""
    entities = (metadata or {}).get(SCREENING_KEY)
    if len(text) <= PIECEWISE_FROM or not isinstance(entities, list):
        return None
    return screening_from_entities(e for e in entities if isinstance(e, Mapping))
