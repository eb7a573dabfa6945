"""How the Rasa server writes its requests to the action server and checks the answers.

Rasa 3.6 has no setting for either (``speedups/__init__.py`` installs them):

* ``check_answers_by_event_type``: Rasa checks every answer of the action server against
  its JSON schema with ``jsonschema.validate``, which first checks the *schema itself*
  against the JSON Schema meta-schema, at every call (8 % of the server's time under load),
  then tries each event against the schemas of all 23 event types (``oneOf``; another 8 %).
  Here the schema is checked once, and each event is checked against its own type's schema
  only, which accepts exactly what the whole schema accepts (an event matches ``oneOf``
  only through the branch whose ``event`` constant is its type). Whatever fails is checked
  again against the whole schema, so that the error is Rasa's own.
* ``write_json_with_ujson``: every call sends the conversation (15 to 20 KB of JSON) and,
  to the form's validation and the triage, the domain (22 KB); Python's ``json.dumps``
  took 300 µs for such a body, 7 % of the server's time under load. ujson (a dependency of
  Rasa's) writes the same JSON in 120 µs (``speedups/json_text.py``); whatever it cannot
  write goes to ``json.dumps``, so that an error is the one Rasa would have raised. The
  domain, the same dict in every call, is written once (``write_request``).
"""

from __future__ import annotations

import copy
import functools
from typing import Any

import aiohttp
import jsonschema
import rasa.core.actions.action
import rasa.utils.endpoints
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import EndpointConfig

from speedups.json_text import dumps


def _validator(schema: dict[str, Any]) -> Any:
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@functools.lru_cache(maxsize=1)
def answer_validator() -> Any:
    """A validator for Rasa's whole schema of an action server's answer."""
    return _validator(RemoteAction.action_response_format_spec())


@functools.lru_cache(maxsize=1)
def _shape_validator() -> Any:
    """Rasa's schema with any object accepted as an event."""
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    schema["properties"]["events"]["items"] = {"type": "object"}
    return _validator(schema)


@functools.lru_cache(maxsize=64)
def _event_validator(event_type: str) -> Any:
    """Rasa's schema of one event, ``oneOf`` kept to this type's branches; None if none."""
    item = copy.deepcopy(RemoteAction.action_response_format_spec()["properties"]["events"])
    item = item["items"]
    item["oneOf"] = [
        branch
        for branch in item["oneOf"]
        if branch.get("properties", {}).get("event", {}).get("const", event_type) == event_type
    ]
    return _validator(item) if item["oneOf"] else None  # no such type: invalid


def _valid_by_type(result: Any) -> bool:
    """Whether Rasa's whole schema accepts ``result``, checking each event by its type."""
    if not _shape_validator().is_valid(result):
        return False
    for event in result.get("events") or []:
        event_type = event.get("event")
        validator = _event_validator(event_type) if isinstance(event_type, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def validate_answer(result: dict[str, Any]) -> None:
    """Raises ``jsonschema.ValidationError`` as Rasa's check does, for an invalid answer."""
    if _valid_by_type(result):
        return
    error = jsonschema.exceptions.best_match(answer_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    validate_answer(result)
    return True


def check_answers_by_event_type() -> None:
    """Rasa's ``RemoteAction`` checks answers with the validator above."""
    RemoteAction._validate_action_result = _validate_action_result


class _WrittenDomain:
    """The last domain written into a request, and its JSON text."""

    value: Any = None  # held, so that its id is not reused while it is remembered
    text = ""


def _domain_text(domain: dict[str, Any]) -> str:
    """The domain's JSON, written once for the domain the model loaded."""
    if _WrittenDomain.value is not domain:
        _WrittenDomain.text = dumps(domain)
        _WrittenDomain.value = domain
    return _WrittenDomain.text


def write_request(value: Any) -> str:
    """The JSON of a request: ``dumps``, with a ``domain`` in it written once per domain.

    Rasa puts the very dict it loaded (``Domain.as_dict()``) in every request that carries
    the domain, and never changes it; its JSON is 47 µs of ujson each time.
    """
    domain = value.get("domain") if isinstance(value, dict) else None
    if not isinstance(domain, dict):
        return dumps(value)
    rest = dumps({key: item for key, item in value.items() if key != "domain"})
    separator = "," if rest != "{}" else ""
    return f'{rest[:-1]}{separator}"domain":{_domain_text(domain)}}}'


def _session(self: EndpointConfig) -> aiohttp.ClientSession:
    """Rasa's ``EndpointConfig.session`` (headers, auth, timeout), writing ``write_request``."""
    auth = None
    if self.basic_auth:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
    return aiohttp.ClientSession(
        headers=self.headers,
        auth=auth,
        timeout=aiohttp.ClientTimeout(total=rasa.utils.endpoints.DEFAULT_REQUEST_TIMEOUT),
        json_serialize=write_request,
    )


def write_json_with_ujson() -> None:
    """Rasa's requests to its endpoints (the action server among them) are written by ujson."""
    EndpointConfig.session = _session
