"""The check of the action server's answers gives the verdicts and errors of Rasa's own."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from components.action_client import answer_validator, validate_answer

VALID = [
    {},
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "triage_level", "value": "urgent"},
            {"event": "active_loop", "name": None},
        ],
        "responses": [{"response": "utter_urgent", "text": None}],
    },
    {"events": [{"event": "action", "name": "action_listen", "policy": None}]},
]
INVALID = [
    {"events": "not a list"},
    {"events": [{"name": "no event type"}]},
    {"events": [{"event": "no_such_event"}]},
    {"responses": "not a list"},
    {"events": [{"event": "slot", "value": 1}]},
]


@pytest.mark.parametrize("answer", VALID)
def test_a_valid_answer_passes(answer: dict[str, Any]) -> None:
    jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    validate_answer(answer)


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_fails_with_rasas_error(answer: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError) as theirs:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action") as ours:
        validate_answer(answer)
    assert ours.value.path == theirs.value.path
    assert ours.value.validator == theirs.value.validator


def test_the_validator_is_built_once() -> None:
    assert answer_validator() is answer_validator()
