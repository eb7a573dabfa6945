"""Which warnings of `rasa data validate` are expected (tools/data_validate.py)."""

from __future__ import annotations

import pytest

from components.failsafe_policy import ActionServerFailSafe
from components.message_screener import MessageScreener
from tools.data_validate import (
    CLASSIFIER_ONLY_INTENTS,
    FAIL_SAFE_RETRIEVAL,
    SCREENER_INTENTS,
    SCREENER_ONLY_INTENTS,
    SENT_BY_SERVER,
    is_expected,
    responses_in_domain,
    unexpected,
    warnings_in,
)


@pytest.mark.parametrize(
    ("warning", "expected"),
    [
        ("The utterance 'triage_urgent' is not used in any story or rule.", True),
        ("The utterance 'utter_ask_screen_vision' is not used in any story or rule.", True),
        ("The utterance 'utter_unavailable' is not used in any story or rule.", True),
        ("The utterance 'utter_faq' is not used in any story or rule.", True),
        ("The utterance 'utter_greet' is not used in any story or rule.", False),
        ("The intent 'report_vision' is not used in any story or rule.", True),
        ("The intent 'greet' is not used in any story or rule.", False),
        ("Found inconsistent annotations of the intent 'faq'.", False),
        ("Something new in Rasa.", False),
    ],
)
def test_only_the_bots_own_choices_are_expected(warning: str, expected: bool) -> None:
    assert is_expected(warning) is expected


def test_warnings_are_read_from_rasas_output() -> None:
    output = (
        "/x/io.py:100: UserWarning: The intent 'greet' is not used in any story or rule.\n"
        "  More info at https://rasa.com/docs/rasa/stories\n"
        "/x/io.py:100: UserWarning: The utterance 'triage_urgent' is not used in any story or "
        "rule.\n"
    )
    found = warnings_in(output)
    assert len(found) == 2
    assert unexpected(found) == ["The intent 'greet' is not used in any story or rule."]


def test_the_expected_names_exist() -> None:
    assert responses_in_domain() >= SENT_BY_SERVER
    assert set(MessageScreener.get_default_config()["concept_intents"]) == SCREENER_INTENTS
    screener = MessageScreener.get_default_config()
    concern_intents = {
        *screener["concern_intents"].values(),
        screener["distress_with_sign_intent"],
        screener["distress_with_question_intent"],
        screener["asked_sign_intent"],
    }
    classifier_concerns = screener["classifier_concerns"]
    assert concern_intents - set(classifier_concerns) == SCREENER_ONLY_INTENTS
    assert set(classifier_concerns) == CLASSIFIER_ONLY_INTENTS
    fail_safe_answers = ActionServerFailSafe.get_default_config()["answers"].values()
    assert set(fail_safe_answers) >= FAIL_SAFE_RETRIEVAL
