"""``rasa data validate --fail-on-warnings``, failing on any warning that is not expected.

    python -m tools.data_validate          # make validate

Rasa 3.6 exits 0 with ``--fail-on-warnings`` although it warns, and it warns about things
this bot does on purpose: responses sent by the forms, the custom actions, the fail-safe
policy and the channels are "not used in any story or rule", and the message screener's
intents for red flags are never seen by the policies (it turns them into ``report_symptom``).
Those warnings are expected, by rule, below; any other warning fails the check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable

import yaml

from tools.servers import RASA, ROOT

# Responses the Rasa server itself sends, outside stories and rules.
SENT_BY_SERVER = frozenset(
    {
        "utter_unavailable",  # components/failsafe_policy.py
        "utter_unavailable_red_flag",
        "utter_unavailable_emergency",
        "utter_rate_limited",  # components/ratelimit.py, through the channels
        "utter_restart",  # Rasa's /restart
        "utter_back",  # Rasa's /back
    }
)
# Rasa's own retrieval action, which the fail-safe policy runs when action_answer_question
# cannot (components/failsafe_policy.py); the rules run action_answer_question.
FAIL_SAFE_RETRIEVAL = frozenset({"utter_faq"})
# Intents the message screener always renames (components/message_screener.py).
SCREENER_INTENTS = frozenset(
    {"report_eyelid", "report_vision", "report_injection_site", "report_emergency"}
)
# The classifier's concern, which the screener always renames (components/message_screener.py).
CLASSIFIER_ONLY_INTENTS = frozenset({"concern"})
# Intents only the message screener gives (components/message_screener.py): it has no examples.
SCREENER_ONLY_INTENTS = frozenset(
    {
        "crisis",
        "crisis_check",
        "distress",
        "distress_with_sign",
        "distress_with_question",
        "ask_warning_signs",
    }
)
_NOT_IN_NLU = re.compile(
    r"^The intent '([^']+)' is listed in the domain file, "
    r"but is not found in the NLU training data\.$"
)
# Rasa counts a retrieval intent's examples in several files as a duplicated intent.
KNOWN = frozenset(
    {"The following duplicated intents have been found across multiple domain files: faq"}
)

_UNUSED_RESPONSE = re.compile(r"^The utterance '([^']+)' is not used in any story or rule\.$")
_UNUSED_INTENT = re.compile(r"^The intent '([^']+)' is not used in any story or rule\.$")


def is_expected(warning: str) -> bool:
    """Whether a warning of ``rasa data validate`` is one this bot causes on purpose."""
    if warning in KNOWN:
        return True
    if response := _UNUSED_RESPONSE.match(warning):
        name = response.group(1)
        # Sent by a custom action (no utter_ prefix), a form (utter_ask_) or the server.
        return (
            not name.startswith("utter_")
            or name.startswith("utter_ask_")
            or (name in SENT_BY_SERVER)
            or (name in FAIL_SAFE_RETRIEVAL)
        )
    if intent := _UNUSED_INTENT.match(warning):
        return intent.group(1) in SCREENER_INTENTS | CLASSIFIER_ONLY_INTENTS
    if intent := _NOT_IN_NLU.match(warning):
        return intent.group(1) in SCREENER_ONLY_INTENTS
    return False


def warnings_in(output: str) -> list[str]:
    """The messages of the ``UserWarning``s in Rasa's output."""
    return [
        line.split("UserWarning: ", 1)[1].strip()
        for line in output.splitlines()
        if "UserWarning: " in line
    ]


def unexpected(warnings: Iterable[str]) -> list[str]:
    """The warnings that are not expected."""
    return [warning for warning in warnings if not is_expected(warning)]


def responses_in_domain() -> set[str]:
    """The names of the domain's responses (for the check that the expected ones exist)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return set(domain["responses"])


def main() -> int:
    """Runs the validation; exits 1 on a failed validation or on an unexpected warning."""
    run = subprocess.run(
        [str(RASA), "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    found = warnings_in(run.stdout + run.stderr)
    surprises = unexpected(found)
    print(
        f"rasa data validate: exit {run.returncode}, {len(found)} warnings, "
        f"{len(surprises)} unexpected"
    )
    for warning in surprises:
        print(f"  unexpected: {warning}")
    if run.returncode != 0:
        print(run.stdout[-3000:], run.stderr[-3000:])
    return 1 if run.returncode != 0 or surprises else 0


if __name__ == "__main__":
    sys.exit(main())
