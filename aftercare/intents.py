"""The names of the intents that the code (not only the stories) relies on, in one place.

``domain.yml`` declares every intent; ``config.yml``'s screener reroutes to some of them;
the forms and the fail-safe read others. ``tests/unit/test_config.py`` checks that each name here
is declared in ``domain.yml``, so a renamed intent fails a test instead of silently turning
a "yes" into an unclear answer. Plain Python, no Rasa import.
"""

from __future__ import annotations

AFFIRM = "affirm"
DENY = "deny"
DONT_KNOW = "dont_know"
ANSWERS = (AFFIRM, DENY, DONT_KNOW)
"""A reply to a yes-or-no question."""

FAQ = "faq"
"""The article's questions: a retrieval intent, ``faq/<topic>`` (``utter_faq/<topic>``)."""
REPORT_SYMPTOM = "report_symptom"
"""What the screener makes of a message that tells a sign the screen found."""
ASK_WARNING_SIGNS = "ask_warning_signs"
"""A general question about a red flag or an emergency sign ("can botox make you slur?")."""
NON_ENGLISH = "non_english"
FALLBACK = "nlu_fallback"

GREET = "greet"
GOODBYE = "goodbye"
THANK = "thank"
BOT_CHALLENGE = "bot_challenge"
ASK_HUMAN = "ask_human"
OUT_OF_SCOPE = "out_of_scope"
STOP = "stop"
DELETE_DATA = "delete_data"

CONCERN = "concern"
"""The classifier's own intent for a concern for the patient's safety (``aftercare/concern.py``
decides which)."""
CRISIS = "crisis"
CRISIS_CHECK = "crisis_check"
DISTRESS = "distress"
DISTRESS_WITH_SIGN = "distress_with_sign"
DISTRESS_WITH_QUESTION = "distress_with_question"
"""A question only the classifier hears distress in: the article's answer, then the help."""
CONCERNS = (CRISIS, CRISIS_CHECK, DISTRESS, DISTRESS_WITH_SIGN, DISTRESS_WITH_QUESTION)
"""A patient's safety comes first: the rules answer these, and a check in progress stops."""

KEPT_BY_SCREENER = (STOP, ASK_HUMAN, DELETE_DATA)
"""Intents the screener never reroutes: the patient asked for something plain."""
