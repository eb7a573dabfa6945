"""A dialogue policy that answers, from the Rasa server alone, when a custom action fails.

When the action server is down, refuses, or takes longer than ``action_timeout`` seconds,
Rasa logs the error, drops the action's events and asks the policies what to do next; left
alone, the patient gets silence. This policy sees that state (the latest event is a custom
action or a form that left nothing behind) and predicts a response from ``domain.yml``
instead, chosen by what the Rasa server itself knows (``aftercare/fallback_advice.py``). It answers
the same way when the conversation store could not use the database for this message
(``components/failsafe_tracker_store.py`` marks such a turn):

* an emergency sign → ``utter_unavailable_emergency``: call the emergency number now;
* an article red flag → ``utter_unavailable_red_flag``: return to the clinic today;
* anything else → ``utter_unavailable``: I can't check that now, call the clinic; or, after
  an action the patient asked for in so many words, what became of that request:
  ``utter_delete_unavailable`` when "delete my data" could not be carried out and
  ``utter_callback_unavailable`` when a confirmed callback could not be passed on. Both say
  that nothing was done and that a "yes" tries again (``data/rules/handover.yml``), so a
  request made during an outage is carried out once the action server is back, on the
  patient's word, and never silently dropped;
* a question about the article → Rasa's own ``utter_faq``: the surest answer, from the server
  alone; then, in the middle of the check, ``utter_unavailable``, as the check cannot go on;
* the first message of a new conversation, whose session start (the action server's) failed:
  a greeting, an article question or another message the rules answer from ``domain.yml``
  gets the same reply as always (``first_replies``), since no rule can match a conversation
  that never started; anything else, the fail-safe by severity;
* a patient in crisis or distress (the message screener's ``crisis``, ``crisis_check`` and
  ``distress``) → the same reply as always (``utter_crisis``, ...), before anything else: it
  is a response from ``domain.yml``. The rule gives it before ``action_concern``; when that
  action or anything after it fails, a red flag or an emergency sign in the same message
  still gets its fail-safe advice ("I want to end it all and I can't breathe"), and
  otherwise the bot listens.

After a red flag or an emergency the triage form is closed, so that nothing later can
contradict the advice; otherwise the form stays where it was and goes on once the action
server answers again. The clinic's phone and the emergency number in these responses come
from configuration through ``components/nlg.py``, not from slots an action sets.

``action_timeout`` bounds how long Rasa waits for the action server (Rasa 3.6 waits
5 minutes and has no setting for it; ``speedups.bound_action_wait`` sets it).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import UTTER_PREFIX
from rasa.shared.core.constants import (
    ACTION_DEACTIVATE_LOOP_NAME,
    ACTION_LISTEN_NAME,
    ACTION_SESSION_START_NAME,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

import speedups
from aftercare.fallback_advice import severity_without_actions
from aftercare.severity import Severity
from components.failsafe_tracker_store import storage_failed

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class ActionServerFailSafe(Policy):
    """Predicts a safe response from the domain when a custom action left no trace."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Above RulePolicy (6), so that it wins in the states only it predicts for."""
        return {
            "priority": 7,
            "action_timeout": 3.0,
            "responses": {
                Severity.EMERGENCY.value: "utter_unavailable_emergency",
                Severity.RED_FLAG.value: "utter_unavailable_red_flag",
                Severity.EXPECTED.value: "utter_unavailable",
            },
            # Instead of the ``expected`` response, after these actions failed.
            "requests": {
                "action_delete_my_data": "utter_delete_unavailable",
                "action_save_callback": "utter_callback_unavailable",
            },
            # Instead of the ``expected`` response, after these actions failed: a Rasa action
            # that answers from the server alone (the article's surest answer).
            "answers": {"action_answer_question": "utter_faq"},
            # The first message of a conversation whose session start failed, by its intent:
            # the reply the rules give from domain.yml (data/rules/conversation.yml).
            "first_replies": {
                "greet": "utter_greet",
                "goodbye": "utter_goodbye",
                "thank": "utter_you_are_welcome",
                "bot_challenge": "utter_iamabot",
                "ask_human": "utter_contact_clinic",
                "out_of_scope": "utter_out_of_scope",
                "non_english": "utter_non_english",
                "nlu_fallback": "utter_default",
                "faq": "utter_faq",
                "ask_warning_signs": "utter_warning_signs",
            },
            # The reply to a concern for the patient's safety, by the screener's intent,
            # first whatever failed.
            "concerns": {
                "crisis": "utter_crisis",
                "crisis_check": "utter_crisis_check",
                "distress": "utter_distress",
                "distress_with_sign": "utter_distress_sign",
                "distress_with_question": "utter_distress",
            },
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        """Keeps the configuration and bounds Rasa's wait for the action server."""
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self._responses: dict[str, str] = dict(config["responses"])
        self._requests: dict[str, str] = dict(config["requests"])
        self._answers: dict[str, str] = dict(config["answers"])
        self._concerns: dict[str, str] = dict(config["concerns"])
        self._first_replies: dict[str, str] = dict(config["first_replies"])
        speedups.bound_action_wait(config["action_timeout"])

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to learn: the policy's states are fixed."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """The fail-safe response after a failed action, then closing the form, then listening."""
        action = self.next_action(tracker, domain)
        if action is None:
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        # A loop's own prediction (RulePolicy) ignores the user too: compete on equal terms.
        return self._prediction(probabilities, is_no_user_prediction=True)

    def next_action(self, tracker: DialogueStateTracker, domain: Domain) -> str | None:
        """The action this policy insists on in this state, or None to leave it to the others."""
        actions = _latest_actions(tracker, 2)
        latest = actions[0] if actions else None
        failed = (
            storage_failed(tracker)
            or _session_start_failed(tracker)
            or (latest is not None and _failed(tracker, latest, domain))
        )
        message = tracker.latest_message
        concern = self._concerns.get(message.intent.get("name") if message else "")
        if concern is not None:
            decided = self._for_concern(tracker, concern, failed, actions)
            if decided is not _NOT_DECIDED:
                return decided
        if _session_start_failed(tracker):
            severity = _message_severity(tracker)
            reply = self._first_replies.get(message.intent.get("name") if message else "")
            if severity is Severity.EXPECTED and reply is not None:
                logger.warning("The session could not start; answering from the domain")
                return reply
        if failed:
            severity = _message_severity(tracker)
            failure = "The conversation store" if storage_failed(tracker) else f"Action '{latest}'"
            logger.warning("%s failed; answering with the %s fail-safe", failure, severity)
            if severity is Severity.EXPECTED and latest in self._requests:
                return self._requests[latest]
            if severity is Severity.EXPECTED and latest in self._answers:
                return self._answers[latest]
            return self._responses[severity.value]
        answered_first = (
            latest in self._first_replies.values() and latest not in self._answers.values()
        )
        if answered_first and _first_message(tracker):
            return ACTION_LISTEN_NAME
        if latest in self._answers.values():
            # Answered from the server; a check under way cannot go on without the actions,
            # and an answer that said nothing (no prediction to answer with) is no answer.
            said = bool(tracker.events) and isinstance(tracker.events[-1], BotUttered)
            if tracker.active_loop_name or not said:
                return self._responses[Severity.EXPECTED.value]
            return ACTION_LISTEN_NAME
        if latest in self._responses.values() or latest in self._requests.values():
            closes_form = latest in (
                self._responses[Severity.EMERGENCY.value],
                self._responses[Severity.RED_FLAG.value],
            )
            if closes_form and tracker.active_loop_name:
                return ACTION_DEACTIVATE_LOOP_NAME
            return ACTION_LISTEN_NAME
        if latest == ACTION_DEACTIVATE_LOOP_NAME and actions[-1] in self._responses.values():
            return ACTION_LISTEN_NAME
        return None

    def _for_concern(
        self,
        tracker: DialogueStateTracker,
        concern: str,
        failed: bool,
        actions: list[str | None],
    ) -> str | None:
        """The next action when the latest message is a concern for the patient's safety.

        The concern's reply comes first, whatever failed. After it, when something failed (or
        this policy gave it), a red flag or an emergency sign in the same message still gets
        its advice ("I want to end it all and I can't breathe"); otherwise the bot listens.
        The rules' own turn (reply, then ``action_concern``) is theirs to run.
        """
        said = _actions_this_turn(tracker)
        if concern not in said:
            if failed:
                logger.warning("A step failed; answering the patient's safety first")
                return concern
            return None
        latest = actions[0] if actions else None
        if failed or (latest == concern and not _by_rule(tracker)):
            response = self._responses[_message_severity(tracker).value]
            signed = response != self._responses[Severity.EXPECTED.value]
            return response if signed and response not in said else ACTION_LISTEN_NAME
        if latest == concern:
            return None
        return _NOT_DECIDED


_NOT_DECIDED = "(not decided)"
"""What :meth:`ActionServerFailSafe._for_concern` returns to leave the state to the rest."""


def _actions_this_turn(tracker: DialogueStateTracker) -> set[str]:
    """The names of the actions run since the patient's latest message."""
    names: set[str] = set()
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            names.add(event.action_name)
    return names


_ARTICLES_ANSWER = "action_answer_question"
"""The action a rule's concern reply may follow (``distress_with_question``: the article's
answer, then the distress reply)."""


def _by_rule(tracker: DialogueStateTracker) -> bool:
    """Whether the latest action was a rule's concern reply, not this policy's.

    A rule gives it right after the message came, after the check was closed, or after the
    article's answer when that answer ran (it left events behind it; a failed one did not,
    and then this policy gave the reply).
    """
    latest_seen = ran = False
    for event in reversed(tracker.events):
        if not isinstance(event, ActionExecuted):
            ran = ran or latest_seen
            continue
        if not latest_seen:
            latest_seen = True
            continue
        if event.action_name in (ACTION_LISTEN_NAME, ACTION_DEACTIVATE_LOOP_NAME):
            return True
        return event.action_name == _ARTICLES_ANSWER and ran
    return False


def _latest_actions(tracker: DialogueStateTracker, count: int) -> list[str | None]:
    """The names of the latest ``count`` actions run, the latest first."""
    names: list[str | None] = []
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            names.append(event.action_name)
            if len(names) == count:
                break
    return names


def _session_start_failed(tracker: DialogueStateTracker) -> bool:
    """Whether the patient's first message came right after a session start that failed.

    ``action_session_start`` is the action server's. When it answers, the session starts
    with ``SessionStarted`` and ``action_listen``; when it cannot, Rasa logs the action
    without them and goes on with the message, which no rule then matches. The slots the
    message's entities fill (``crisis_of``, ``for_someone_treated``) follow it.
    """
    events = list(tracker.events)
    while events and isinstance(events[-1], SlotSet):
        events.pop()
    return (
        len(events) >= 2
        and isinstance(events[-1], UserUttered)
        and isinstance(events[-2], ActionExecuted)
        and events[-2].action_name == ACTION_SESSION_START_NAME
    )


def _message_severity(tracker: DialogueStateTracker) -> Severity:
    """The fail-safe's reading of what the patient reported (``aftercare/fallback_advice.py``)."""
    message = tracker.latest_message
    return severity_without_actions(
        tracker.current_slot_values(),
        message.entities if message else [],
        message.intent.get("name") if message else None,
        (message.text or "") if message else "",
    )


def _first_message(tracker: DialogueStateTracker) -> bool:
    """Whether the patient's latest message came right after a session start that failed."""
    events = list(tracker.events)
    for index in range(len(events) - 1, 0, -1):
        if isinstance(events[index], UserUttered):
            before = events[index - 1]
            return isinstance(before, ActionExecuted) and (
                before.action_name == ACTION_SESSION_START_NAME
            )
    return False


def _failed(tracker: DialogueStateTracker, action_name: str, domain: Domain) -> bool:
    """Whether ``action_name`` failed: it is the latest event and a custom action or a form.

    A custom action or a form that ran well always leaves events behind it (replies, slots,
    the form's state).
    """
    latest_event = tracker.events[-1] if tracker.events else None
    responds = action_name.startswith(UTTER_PREFIX) or action_name in domain.responses
    custom = action_name in domain.form_names or (
        action_name in domain.user_actions and not responds
    )
    return custom and isinstance(latest_event, ActionExecuted)
