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


EVENTS = [
    {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet", "confidence": 1}}},
    {"event": "bot", "text": "hello", "data": {}, "metadata": {}},
    {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
    {"event": "slot", "name": "triage_level", "value": "urgent"},
    {"event": "active_loop", "name": "triage_form"},
    {"event": "active_loop", "name": None},
    {"event": "session_started"},
    {"event": "restart"},
    {"event": "followup", "name": "utter_greet"},
    {"event": "reset_slots"},
    {"event": "rewind"},
    {"event": "undo"},
    {"event": "form_validation", "validate": False},
    {"event": "action_execution_rejected", "name": "triage_form"},
    {"event": "loop_interrupted", "is_interrupted": True},
    {"event": "reminder", "intent": "x", "date_time": "2026-11-24T10:00:00"},
    {"event": "no_such_event"},
    {"event": "slot", "value": 1},
    {"event": "slot", "name": 1, "value": 1},
    {"event": "user", "text": 3},
    {"event": "bot", "text": None, "timestamp": "yesterday"},
    {"event": 3},
    {"name": "no event type"},
    "not an object",
    None,
]


@pytest.mark.parametrize("event", EVENTS)
def test_each_event_is_judged_as_by_the_whole_schema(event: Any) -> None:
    answer = {"events": [event], "responses": []}
    schema = RemoteAction.action_response_format_spec()
    valid = jsonschema.Draft7Validator(schema).is_valid(answer)
    if valid:
        validate_answer(answer)
    else:
        with pytest.raises(jsonschema.ValidationError) as ours:
            validate_answer(answer)
        theirs = jsonschema.exceptions.best_match(
            jsonschema.Draft7Validator(schema).iter_errors(answer)
        )
        assert theirs is not None
        assert ours.value.path == theirs.path
