"""Every limit on how much of a patient's message is read, in one place, with why.

A patient may paste a long story (a carer's post, a diary of symptoms) or a client may send
megabytes. Each step reads a bounded part, so the work on a message stays bounded however
long it is, and what a long story most often holds is still read: its start, where the
patient says what happened, and its end, where they say what is wrong now. Plain Python: the
channels, the NLU components and the rules all read these names.
"""

from __future__ import annotations

MESSAGE_CHARACTERS = 20_000
"""The longest message a channel hands to Rasa (REST and socket.io); a longer one is cut to
this, and the patient told. A 20,000-character crisis message is still screened whole."""

SCREENED_HEAD = 8_000
"""Characters the symptom screen and the concern screen read from the start of a message ..."""
SCREENED_TAIL = 2_000
"""... and from its end: about 1,800 words in all, more than any real patient's post."""

CLASSIFIED_HEAD = 500
"""Characters the intent classifier reads from the start of a long message ..."""
CLASSIFIED_TAIL = 500
"""... and from its end. The classifier's features are averages over the message: a longer
text dilutes them, so a long message is also classified piece by piece
(``components/long_messages.py``)."""

CLASSIFIED_WHOLE = 1_000
"""A message longer than this gets no intent of the classifier's own (``nlu_fallback``: the
fallback answer asks for a sentence or two), since a guess on an essay is noise; its signs
and its concern for the patient are still screened."""

PIECE_CHARACTERS = 500
"""About how much of a long message the screen reads at a time (``aftercare.screen.pieces``),
the size the classifier was trained on."""

DATE_ANSWER_CHARACTERS = 500
"""A longer answer to "when was your treatment?" is read like a report: only phrases tied to
the treatment count as its date."""

DATE_REPORT_HEAD = 4_000
"""Of a long report, the first this many characters are read for the treatment date ..."""
DATE_REPORT_TAIL = 1_000
"""... and the last this many, where a long story often says what day it is now."""
