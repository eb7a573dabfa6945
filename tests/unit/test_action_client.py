"""Requests to the action server are the JSON Rasa writes; answers are judged as Rasa judges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from speedups import action_client
from speedups.action_client import answer_validator, validate_answer, write_request
from speedups.json_text import dumps

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


# --- How requests are written -----------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)
DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "domain.yml")).as_dict()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(), JSON_VALUES), st.sampled_from([DOMAIN, {}, {"a": [1, "/"]}]))
def test_a_request_with_a_domain_is_the_json_python_writes(
    rest: dict[str, Any], domain: dict[str, Any]
) -> None:
    request = {**rest, "domain": domain}
    assert json.loads(write_request(request)) == json.loads(json.dumps(request))


@settings(max_examples=100, deadline=None)
@given(JSON_VALUES)
def test_a_request_without_a_domain_is_written_as_it_is(value: Any) -> None:
    assert write_request(value) == dumps(value)


def test_the_domain_is_written_once_while_it_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[Any] = []

    def counted(value: Any) -> str:
        written.append(value)
        return dumps(value)

    monkeypatch.setattr(action_client, "dumps", counted)
    first, second = {"intents": ["greet"]}, {"intents": ["bye"]}
    for domain in (first, first, second, first):
        request = {"next_action": "action_triage", "domain": domain}
        assert json.loads(write_request(request))["domain"] == domain
    assert written.count(first) == 2 and written.count(second) == 1


def test_a_domain_that_cannot_be_written_fails_as_in_rasa() -> None:
    with pytest.raises(TypeError):
        write_request({"next_action": "x", "domain": {"when": object()}})


async def test_endpoint_sessions_write_with_ujson(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(EndpointConfig, "session", EndpointConfig.session)
    endpoint = EndpointConfig(
        "http://localhost:5055/webhook",
        headers={"X-Clinic": "test"},
        basic_auth={"username": "u", "password": "p"},
    )
    rasas = endpoint.session()
    action_client.write_json_with_ujson()
    ours = endpoint.session()
    try:
        assert ours._json_serialize is write_request
        assert dict(ours.headers) == dict(rasas.headers)
        assert ours.auth == rasas.auth and ours.timeout == rasas.timeout
    finally:
        await rasas.close()
        await ours.close()
