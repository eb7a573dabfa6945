"""How the Rasa server calls the action server: how long it waits, how it checks the answer.

Rasa 3.6 has no setting for either, so both are set here, once, when the model is loaded
(``components/failsafe.py`` calls these):

* ``bound_wait``: Rasa waits up to 5 minutes for a custom action (``DEFAULT_REQUEST_TIMEOUT``,
  a module constant its ``RemoteAction`` reads at each call); a patient should not.
* ``check_answers_with_one_validator``: Rasa checks every answer of the action server against
  its JSON schema with ``jsonschema.validate``, which first checks the *schema itself*
  against the JSON Schema meta-schema, at every call: 8 % of the server's time under load
  (README, Figures). The same check, with the same errors, is made here by one validator
  built once.
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema
import rasa.core.actions.action
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


def bound_wait(seconds: float) -> None:
    """Rasa gives up on a custom action after ``seconds`` (then the fail-safe answers)."""
    rasa.core.actions.action.DEFAULT_REQUEST_TIMEOUT = float(seconds)


@functools.lru_cache(maxsize=1)
def answer_validator() -> Any:
    """A validator for Rasa's schema of an action server's answer, the schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_answer(result: dict[str, Any]) -> None:
    """Raises ``jsonschema.ValidationError`` as Rasa's check does, for an invalid answer."""
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


def check_answers_with_one_validator() -> None:
    """Rasa's ``RemoteAction`` checks answers with the validator above."""
    RemoteAction._validate_action_result = _validate_action_result
