"""What a referral's reason codes mean, in the words a nurse reads: the one mapping.

A referral's ``reasons`` column holds codes (``actions/triage.py``, ``actions/concern.py``):
the signs that made it an emergency or an urgent referral (``blurred_vision``), the 2-week
rule for a routine one (``not_improving_after_14_days``), ``crisis`` for thoughts of harm.
The words are the bot's own, never written twice: each sign's ``symptom_<code>`` response in
``domain.yml`` (what the bot told the patient it heard) and the crisis record's
``concern_crisis``, said of the patient in the third person as in a referral's summary.
Only the 2-week rule, which the bot tells in a whole sentence, is named here.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from aftercare.concern import Concern
from aftercare.summary import in_third_person
from aftercare.triage import Reason

DOMAIN = Path(__file__).resolve().parent.parent / "domain.yml"
TWO_WEEK_RULE = Reason.NOT_IMPROVING_AFTER_WAIT.value
"""The routine referral's reason: not improving 2 weeks after the treatment."""
OWN_WORDS = {TWO_WEEK_RULE: "not improving after 2 weeks (the 2-week rule)"}


@functools.cache
def _words() -> dict[str, str]:
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]
    words = {
        name.removeprefix("symptom_"): in_third_person(variants[0]["text"])
        for name, variants in responses.items()
        if name.startswith("symptom_") and variants and "text" in variants[0]
    }
    words[Concern.CRISIS.value] = in_third_person(responses["concern_crisis"][0]["text"])
    return {**words, **OWN_WORDS}


def words_for(code: str) -> str:
    """The nurse's words for a reason code ("blurred_vision" → "blurred vision").

    A code the bot does not know is shown as it is, its underscores as spaces.
    """
    return _words().get(code, code.replace("_", " "))
