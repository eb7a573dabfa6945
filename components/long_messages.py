"""How much of a very long message the NLU's featurizers read: its head and its tail.

A message over the message screener's ``max_characters`` (1,000) is answered with the
fallback ("a sentence or two works best") whatever the classifier says, unless a red flag is
found in it; and the classifiers, trained on sentences, read a long letter as noise. Yet
featurizing all of a 20,000-character letter was most of the work it cost the server (about
160 of 175 ms on 29 November), and the server works on one thing at a time: the other
patients waited. So the featurizers (TF-IDF, word lists, word-piece vectors) and the
screener's script check read the first and the last ``HEAD``/``TAIL`` characters only, and
the work on a message stays bounded however long it is. Anything up to ``HEAD + TAIL``
characters, every message the classifiers were trained on, is read whole, so the trained
model is unchanged. The symptom screen reads its own, longer, head and tail for red flags
(``aftercare/symptoms.py``).
"""

from __future__ import annotations

HEAD = 1_000
"""Characters read from the start of a long message ..."""
TAIL = 1_000
"""... and from its end, where a long story often says what is wrong now."""


def classified_part(text: str) -> str:
    """All of ``text``, or its head and tail joined by a line break if it is longer."""
    if len(text) <= HEAD + TAIL:
        return text
    return f"{text[:HEAD]}\n{text[-TAIL:]}"
